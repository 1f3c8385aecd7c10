using System.CommandLine;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Cli.Json;

/// <summary><c>status --output json</c>: each rule's quota now, as the table shows it.</summary>
internal sealed record StatusDocument(DateTimeOffset At, string Clock, IReadOnlyList<QuotaStatus> Quotas);

/// <param name="Problem">Why the rest is missing: the rule's validation message, or that the account has no such quota.</param>
/// <param name="UtilizationPercent">The larger of usage and forecast peak, in percent of the quota.</param>
internal sealed record QuotaStatus(string RuleId, string? Quota, string? QuotaName, double? Value, double? Usage, double? ForecastPeak,
    double? UtilizationPercent, string? Forecaster, InFlight? InFlight, string? Problem);

/// <param name="Kind"><c>request</c> (filed with Service Quotas) or <c>approval</c> (waiting for a person).</param>
internal sealed record InFlight(string Kind, string Id, string Status, double DesiredValue);

internal static class StatusJson
{
    public static async Task<int> WriteAsync(CliApp app, ParseResult parse, CancellationToken ct)
    {
        if (app.IsAws(parse))
        {
            using var aws = app.OpenAws(parse);
            JsonOutput.Write(app, await BuildAsync(app, parse, aws.Ports, app.RealTime.GetUtcNow(), "real", ct));
            return ExitCodes.Ok;
        }
        var backend = await app.OpenAsync(parse, ct);
        JsonOutput.Write(app, await BuildAsync(app, parse, backend.Ports, backend.Clock.GetUtcNow(), "virtual", ct));
        return ExitCodes.Ok;
    }

    /// <summary>Writes rows already read (a fleet's, selected by account, OU and Region).</summary>
    public static int Write(CliApp app, IReadOnlyList<Commands.StatusRow> rows, DateTimeOffset now, string clock)
    {
        JsonOutput.Write(app, Build(rows, now, clock));
        return ExitCodes.Ok;
    }

    private static async Task<StatusDocument> BuildAsync(CliApp app, ParseResult parse, EnginePorts ports, DateTimeOffset now, string clock, CancellationToken ct) =>
        Build(await Commands.StatusRow.ReadAsync(app, parse, ports, now, ct), now, clock);

    private static StatusDocument Build(IReadOnlyList<Commands.StatusRow> statusRows, DateTimeOffset now, string clock)
    {
        var rows = statusRows.Select(row => row.Info is not { } quota
            ? new QuotaStatus(row.RuleId, row.Quota?.ToString(), null, null, null, null, null, null, null, row.Problem)
            : new QuotaStatus(row.RuleId, row.Quota!.ToString(), quota.QuotaName, quota.Value, row.Usage, JsonOutput.Estimate(row.Forecast?.Peak),
                JsonOutput.Percent(row.UtilizationPercent), row.Forecast?.Forecaster,
                row.Request is { } request ? new InFlight("request", request.AwsRequestId ?? request.Id, request.Status.ToApiName(), request.DesiredValue)
                : row.Approval is { } approval ? new InFlight("approval", approval.Id, approval.Status.ToString().ToLowerInvariant(), approval.DesiredValue) : null,
                null)).ToList();
        return new StatusDocument(now, clock, rows);
    }
}
