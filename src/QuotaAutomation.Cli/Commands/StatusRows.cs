using System.CommandLine;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;

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

    /// <summary>
    /// A fleet's rules where they run: the plan's shards of the selected accounts (<c>--account</c>, <c>--ou</c>) and
    /// Region (<c>--region</c>), each rule made concrete for its shard (<see cref="ScopedRuleStore"/>) and read as above,
    /// through the shard's view of the stores.
    /// </summary>
    public static async Task<IReadOnlyList<StatusRow>> ReadFleetAsync(CliApp app, ParseResult parse, EmbeddedBackend backend, PlaceOptions place, CancellationToken ct)
    {
        var organization = await PlaceOptions.EmbeddedOrganizationAsync(backend, ct)
            ?? throw new InvalidDataException($"{backend.Database.Path} has no virtual organization yet: run --fleet makes it");
        var accounts = await place.AccountsAsync(parse, organization, ct);
        var region = place.Region(parse);
        var org = await organization.ReadAsync(ct);
        var planned = await new FleetCycle(organization, backend.Rules, NoShards.Instance)
            .PlanAsync("status", new FleetSettings(null, org.ManagementAccountId, BuiltInAccount.Region), ct);
        var rows = new List<StatusRow>();
        var now = backend.Clock.GetUtcNow();
        foreach (var shard in planned.Plan.Shards.Where(s => (accounts is null || accounts.Contains(s.AccountId)) && (region is null || s.Region == region)))
        {
            var requests = backend.Requests.ForShard(shard.AccountId == org.ManagementAccountId ? "" : shard.AccountId, shard.Region);
            var ports = backend.Ports with { Rules = new ScopedRuleStore(backend.Rules, shard, org.ManagementAccountId), Requests = requests, Approvals = requests };
            rows.AddRange(await ReadAsync(app, parse, ports, now, ct));
        }
        return rows;
    }

    /// <summary>Planning only: status reads the plan's shards and runs none.</summary>
    private sealed class NoShards : IShardRunner
    {
        public static readonly NoShards Instance = new();

        public Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct) => throw new InvalidOperationException("status plans shards and runs none");
    }
}
