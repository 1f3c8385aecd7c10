using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Cli.StandIn;

/// <summary>
/// The utilization report operations (moto has neither): Start answers PENDING with an id that carries the report's
/// time, so nothing is kept; Get answers COMPLETED with the Region's metered quotas as of that time, fullest first, in
/// pages of <c>MaxResults</c> (default and maximum 1,000); an id older than 15 minutes is gone, as at AWS.
/// </summary>
public sealed partial class ServiceQuotasStandIn
{
    private static readonly TimeSpan ReportLife = TimeSpan.FromMinutes(15);

    private JsonObject StartReport() => new()
    {
        ["ReportId"] = string.Create(CultureInfo.InvariantCulture, $"qur-{account.Now.ToUnixTimeSeconds()}"),
        ["Status"] = "PENDING",
    };

    private async Task<JsonObject> ReportPageAsync(string here, JsonElement input, CancellationToken ct)
    {
        var id = Required(input, "ReportId");
        if (!id.StartsWith("qur-", StringComparison.Ordinal) || !long.TryParse(id[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > account.Now.ToUnixTimeSeconds() || account.Now - DateTimeOffset.FromUnixTimeSeconds(seconds) > ReportLife)
            throw new QuotaServiceException(QuotaServiceException.NoSuchResource, $"The report {id} does not exist or has expired (reports are deleted after 15 minutes).");
        var max = input.TryGetProperty("MaxResults", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : 1000;
        if (max is < 1 or > 1000) throw new QuotaServiceException(QuotaServiceException.IllegalArgument, $"MaxResults {max} must be from 1 to 1000.");
        var from = Optional(input, "NextToken") is { } token
            ? int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new QuotaServiceException("InvalidPaginationTokenException", $"Invalid pagination token {token}.")
            : 0;
        var quotas = (await account.ListQuotasAsync(ct)).Where(q => q.Info.Key.Region == here).ToList();
        var report = account.ReportAt(DateTimeOffset.FromUnixTimeSeconds(seconds), quotas);
        var page = report.Lines.Skip(from).Take(max).Select(l => (JsonNode)new JsonObject
        {
            ["QuotaCode"] = l.QuotaCode, ["ServiceCode"] = l.ServiceCode, ["QuotaName"] = l.QuotaName, ["Namespace"] = l.Namespace,
            ["Utilization"] = Math.Round(l.Utilization, 2), ["DefaultValue"] = l.DefaultValue, ["AppliedValue"] = l.AppliedValue,
            ["ServiceName"] = l.ServiceCode, ["Adjustable"] = l.Adjustable,
        });
        var reply = new JsonObject
        {
            ["ReportId"] = id, ["Status"] = "COMPLETED", ["GeneratedAt"] = report.GeneratedAt.ToUnixTimeSeconds(), ["TotalCount"] = report.Lines.Count,
            ["Quotas"] = new JsonArray([.. page]),
        };
        if (from + max < report.Lines.Count) reply["NextToken"] = (from + max).ToString(CultureInfo.InvariantCulture);
        return reply;
    }
}
