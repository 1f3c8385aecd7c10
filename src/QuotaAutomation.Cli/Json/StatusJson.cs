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

    private static async Task<StatusDocument> BuildAsync(CliApp app, ParseResult parse, EnginePorts ports, DateTimeOffset now, string clock, CancellationToken ct)
    {
        var rules = (await ports.Rules.LoadRulesAsync(ct)).Select(raw => (Raw: raw, Parsed: RuleParser.Parse(raw))).ToList();
        var quotas = await ports.Quotas.GetQuotasAsync(rules.Where(r => r.Parsed.Success).Select(r => r.Parsed.Value.Quota).Distinct().ToList(), ct);
        var open = (await ports.Requests.ListOpenAsync(ct)).ToDictionary(r => r.Quota);
        var approvals = (await ports.Approvals.ListActiveAsync(ct)).ToDictionary(a => a.Quota);
        var forecaster = app.Forecaster(parse);
        var rows = new List<QuotaStatus>();
        foreach (var (raw, parsed) in rules)
        {
            if (!parsed.Success)
            {
                rows.Add(new QuotaStatus(RuleParser.NameOf(raw), null, null, null, null, null, null, null, null, parsed.Error));
                continue;
            }
            var rule = parsed.Value;
            if (!quotas.TryGetValue(rule.Quota, out var quota))
            {
                rows.Add(new QuotaStatus(rule.RuleId, rule.Quota.ToString(), null, null, null, null, null, null, null, "no such quota in this account and Region"));
                continue;
            }
            var history = await ports.History.ReadAsync(rule.Quota, now - TimeSpan.FromDays(14), now, ct);
            var usage = history.Count > 0 ? history[^1].Value : (double?)null;
            var forecast = history.Count > 0 ? forecaster.Predict(history, now, rule.ForecastHorizon) : null;
            var peak = usage is { } u && forecast is not null ? Math.Max(u, forecast.Peak) : (double?)null;
            var inFlight = open.TryGetValue(rule.Quota, out var request)
                ? new InFlight("request", request.AwsRequestId ?? request.Id, request.Status.ToApiName(), request.DesiredValue)
                : approvals.TryGetValue(rule.Quota, out var approval) ? new InFlight("approval", approval.Id, approval.Status.ToString().ToLowerInvariant(), approval.DesiredValue) : null;
            rows.Add(new QuotaStatus(rule.RuleId, rule.Quota.ToString(), quota.QuotaName, quota.Value, usage, JsonOutput.Estimate(forecast?.Peak),
                JsonOutput.Percent(peak is { } p && quota.Value > 0 ? 100 * p / quota.Value : null), forecast?.Forecaster, inFlight, null));
        }
        return new StatusDocument(now, clock, rows);
    }
}
