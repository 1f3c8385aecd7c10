using System.CommandLine;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// What <c>status</c> shows for one rule, read once through the engine's ports and rendered as a table or as JSON. A
/// rule that does not parse has only its <see cref="Problem"/>; a quota the account lacks has its key and the problem.
/// </summary>
internal sealed record StatusRow(string RuleId, QuotaKey? Quota, QuotaInfo? Info, double? Usage, Forecast? Forecast,
    QuotaRequest? Request, ApprovalRequest? Approval, string? Problem, bool RuleInvalid)
{
    /// <summary>The larger of usage and forecast peak, in percent of the quota.</summary>
    public double? UtilizationPercent => Usage is { } u && Forecast is { } f && Info is { Value: > 0 } q ? 100 * Math.Max(u, f.Peak) / q.Value : null;

    public static async Task<IReadOnlyList<StatusRow>> ReadAsync(CliApp app, ParseResult parse, EnginePorts ports, DateTimeOffset now, CancellationToken ct)
    {
        var rules = (await ports.Rules.LoadRulesAsync(ct)).Select(raw => (Raw: raw, Parsed: RuleParser.Parse(raw))).ToList();
        var quotas = await ports.Quotas.GetQuotasAsync(rules.Where(r => r.Parsed.Success).Select(r => r.Parsed.Value.Quota).Distinct().ToList(), ct);
        var open = (await ports.Requests.ListOpenAsync(ct)).ToDictionary(r => r.Quota);
        var approvals = (await ports.Approvals.ListActiveAsync(ct)).ToDictionary(a => a.Quota);
        var forecaster = app.Forecaster(parse);
        // Every quota's history in one batched read, and one forecast per quota and horizon: 10,000 rules on 13 quotas
        // forecast a few dozen times, not 10,000 (issue 14; 38 s before).
        var histories = await ports.History.ReadManyAsync(quotas.Keys.ToList(), now - TimeSpan.FromDays(14), now, ct);
        var forecasts = new Dictionary<(QuotaKey, TimeSpan), Forecast>();
        var rows = new List<StatusRow>();
        foreach (var (raw, parsed) in rules)
        {
            if (!parsed.Success)
            {
                rows.Add(new StatusRow(RuleParser.NameOf(raw), null, null, null, null, null, null, parsed.Error, RuleInvalid: true));
                continue;
            }
            var rule = parsed.Value;
            if (!quotas.TryGetValue(rule.Quota, out var quota))
            {
                rows.Add(new StatusRow(rule.RuleId, rule.Quota, null, null, null, null, null, "no such quota in this account and Region", RuleInvalid: false));
                continue;
            }
            var history = histories.GetValueOrDefault(rule.Quota) ?? [];
            if (history.Count > 0 && !forecasts.ContainsKey((rule.Quota, rule.ForecastHorizon)))
                forecasts[(rule.Quota, rule.ForecastHorizon)] = forecaster.Predict(history, now, rule.ForecastHorizon);
            rows.Add(new StatusRow(rule.RuleId, rule.Quota, quota,
                history.Count > 0 ? history[^1].Value : null,
                forecasts.GetValueOrDefault((rule.Quota, rule.ForecastHorizon)),
                open.GetValueOrDefault(rule.Quota), approvals.GetValueOrDefault(rule.Quota), null, RuleInvalid: false));
        }
        return rows;
    }
}
