using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The weekly report's schedule (terraform/reports.tf): <c>{"report": "weekly"}</c>, or <c>{"report": {"days": 1..400,
/// "ou": "organization" | "ou-…" | "r-…", "regions": ["us-east-1", …]}}</c> for an OU's or the organization's (a fleet
/// deployment's), of the Regions named (default: the function's).
/// </summary>
public static partial class InvocationParser
{
    /// <summary>The most Regions one report reads: every commercial Region AWS has, with room.</summary>
    private const int MaxReportRegions = 40;

    private static Result<Invocation> ParseReport(JsonElement root)
    {
        var report = root.GetProperty("report");
        if (report.ValueKind == JsonValueKind.String && JsonStrings.Read(report) == "weekly") return Result.Ok<Invocation>(new ReportRequest("report-weekly", 7));
        if (report.ValueKind == JsonValueKind.Object && report.TryGetProperty("days", out var days) && days.ValueKind == JsonValueKind.Number
            && days.TryGetInt32(out var n) && n is >= 1 and <= 400)
        {
            var ou = Str(report, "ou");
            if (report.TryGetProperty("ou", out _) && (ou is null || !(ou == "organization" || Core.Rules.RuleTargets.IsOrganizationalUnit(ou))))
                return Result.Fail<Invocation>($"report request: report.ou must be \"organization\", an OU id (ou-…) or the root id (r-…), not {Echo.Of(report.GetProperty("ou").GetRawText())}");
            if (!report.TryGetProperty("regions", out var regions)) return Result.Ok<Invocation>(new ReportRequest($"report-{n}d{(ou is null ? "" : "-" + ou)}", n) { Ou = ou });
            var names = regions.ValueKind == JsonValueKind.Array ? regions.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.String ? JsonStrings.Read(r) : null).ToList() : null;
            if (names is not { Count: >= 1 and <= MaxReportRegions } || names.Any(r => !Core.Quotas.RegionName.IsValid(r)))
                return Result.Fail<Invocation>($"report request: report.regions must be a list of 1 to {MaxReportRegions} Region names such as \"eu-west-1\", not {Echo.Of(regions.GetRawText())}");
            return Result.Ok<Invocation>(new ReportRequest($"report-{n}d{(ou is null ? "" : "-" + ou)}-{names.Count}r", n) { Ou = ou, Regions = [.. names.Distinct(StringComparer.Ordinal)!] });
        }
        return Result.Fail<Invocation>($"report request: report must be \"weekly\" or {{\"days\": 1 to 400}}, not {Echo.Of(report.GetRawText())}");
    }
}

/// <summary>Write the HTML report of the last <paramref name="Days"/> days, keep it (S3) and announce it (SNS).</summary>
public sealed record ReportRequest(string EventId, int Days) : Invocation(EventId)
{
    /// <summary>Whose report: null the function's account; <c>organization</c> every account; else an OU or root id.</summary>
    public string? Ou { get; init; }

    /// <summary>The Regions to report on; null: the function's own.</summary>
    public IReadOnlyList<string>? Regions { get; init; }

    public override string Kind => "report";
}

/// <summary>What the function needs to write reports: how to read its audit trail, where to keep the file, and its Region.</summary>
public sealed record ReportOutput(Func<Core.Audit.AuditFilter, CancellationToken, Task<IReadOnlyList<Core.Audit.AuditRecord>>> ReadAudit, Core.Ports.IReportStore Store, string Region)
{
    /// <summary>
    /// Where a fleet deployment's shards keep their usage (one row per shard and time: DynamoShardHistory), which its
    /// reports read instead of the per-quota history; null: not a fleet deployment.
    /// </summary>
    public Core.Ports.IUsageHistory? FleetHistory { get; init; }
}
