using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Dependencies;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Phase 3, evaluate: rules → quotas → usage → forecast → decide. A rule that cannot be parsed or evaluated
/// becomes a <see cref="Failed"/> result with its reason; it never stops the other rules.
/// </summary>
internal sealed class EvaluatePhase(EnginePorts ports, IForecaster forecaster, EngineOptions options)
{
    private readonly UsageCollection _usage = new(ports, options);
    private readonly WildcardRuleExpansion _wildcards = new(ports);

    /// <returns>One result per rule item: rejected rules first, then each enabled rule's decision; and when the cadence next needs a cycle.</returns>
    /// <param name="woken">Quotas an event named (besides those with an expectation): their usage is read in detail now.</param>
    /// <param name="policies">The policies this cycle runs under (<see cref="PolicyLoad"/>).</param>
    public async Task<Evaluation> RunAsync(CycleAudit audit, DateTimeOffset now, IReadOnlyList<QuotaPolicy> policies,
        IReadOnlyDictionary<QuotaKey, Events.Expectation>? expectations, IReadOnlyCollection<QuotaKey>? woken, CancellationToken ct)
    {
        var (rules, results, disabled) = await ParseRulesAsync(audit, policies, ct);
        var (evaluated, nextDue) = await EvaluateAsync(rules, now, audit, expectations, woken, ct);
        results.AddRange(evaluated);
        return new Evaluation(results, nextDue) { Rules = rules, Disabled = disabled };
    }

    private async Task<(List<QuotaRule> Rules, List<RuleResult> Rejected, List<QuotaRule> Disabled)> ParseRulesAsync(CycleAudit audit, IReadOnlyList<QuotaPolicy> policies, CancellationToken ct)
    {
        var raws = await ports.Rules.LoadRulesAsync(ct);
        var rules = new List<QuotaRule>();
        var disabled = new List<QuotaRule>();
        var rejected = new List<RuleResult>();
        var named = new HashSet<QuotaKey>();
        foreach (var raw in raws)
        {
            var parsed = RuleParser.Parse(raw);
            if (parsed is { Success: true, Value.IsFleetRule: true }) parsed = FleetOnly(parsed.Value);
            if (parsed.Success)
            {
                (parsed.Value.Enabled ? rules : disabled).Add(parsed.Value);
                named.Add(parsed.Value.Quota);
                continue;
            }
            var name = RuleParser.NameOf(raw);
            await audit.WriteAsync(AuditKind.RuleRejected, name, null, "rule_rejected", parsed.Error!, ct); // Error is set when !Success
            rejected.Add(new RuleResult(new Failed(name, null, parsed.Error!), null, null, null));
        }
        var (expanded, unexpanded) = await _wildcards.ExpandAsync(rules, named, audit, ct);
        return (Governed(expanded, policies), [.. rejected, .. unexpanded], disabled);
    }

    /// <summary>
    /// Each rule as the organization's policies let it run (a lower cap, a lower level): the later phases, step plans
    /// among them, see only these. What a policy changed is added to the rule's decision (<see cref="PolicyNotes"/>).
    /// </summary>
    private List<QuotaRule> Governed(IReadOnlyList<QuotaRule> rules, IReadOnlyList<QuotaPolicy> policies)
    {
        if (policies.Count == 0) return [.. rules];
        return rules.Select(r => PolicyEnforcement.Govern(r, options.PlaceOf(r.Quota), policies) switch
        {
            { Overrides.Count: 0 } same => same.Rule,
            var governed => governed.Rule with { PolicyNotes = string.Join("; ", governed.Overrides) },
        }).ToList();
    }

    /// <summary>A rule over several accounts or Regions is the fleet's: a cycle of one account and Region cannot run it alone.</summary>
    private static Result<QuotaRule> FleetOnly(QuotaRule rule) => Result.Fail<QuotaRule>(
        $"rule '{rule.RuleId}': account_id {Show(rule.Targets.Accounts)} / region {Show(rule.Targets.Regions)}{(rule.Targets.Standby is null ? "" : " with a standby")} targets several accounts or Regions: it runs in the fleet (quota-automation run --fleet, or the fleet state machine), one account and Region per shard");

    private static string Show(IReadOnlyList<string> targets) => targets.Count == 0 ? "(the hub's own)" : $"'{string.Join(",", targets)}'";

    private async Task<(IReadOnlyList<RuleResult> Results, DateTimeOffset? NextDue)> EvaluateAsync(IReadOnlyList<QuotaRule> rules, DateTimeOffset now, CycleAudit audit,
        IReadOnlyDictionary<QuotaKey, Events.Expectation>? expectations, IReadOnlyCollection<QuotaKey>? woken, CancellationToken ct)
    {
        var keys = rules.Select(r => r.Quota).Distinct().ToList();
        // The stored windows first: they need only the rules' keys, and a fleet shard's utilization report, started with
        // its run, is prepared meanwhile (the quotas' values wait for it; docs/fleet-waits.md).
        var unreadable = new Dictionary<QuotaKey, string>();
        var windows = await _usage.ReadWindowsAsync(keys, now, unreadable, ct);
        QuotaDictionary quotas;
        try
        {
            quotas = await ports.Quotas.GetQuotasAsync(keys, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (rules.Select(r => Fail(r, $"could not read quotas: {e.Message}")).ToList(), null);
        }

        var warnings = rules.GroupBy(r => r.Quota).ToDictionary(g => g.Key, g => g.Min(r => r.Thresholds.Warning));
        var wake = new HashSet<QuotaKey>([.. woken ?? [], .. expectations?.Keys ?? []]);
        var collected = await _usage.CollectAsync(quotas.Values.ToList(), windows, warnings, wake, now, audit, ct);
        var (histories, nextDue) = (collected.Histories, collected.NextDue);
        var forecasts = new CycleForecasts(forecaster, now);
        var results = new List<RuleResult>();
        foreach (var rule in rules)
        {
            if (quotas.Failed.TryGetValue(rule.Quota, out var readFailure))
            {
                results.Add(Fail(rule, $"could not read quota {rule.Quota}: {readFailure}"));
                continue;
            }
            if (!quotas.TryGetValue(rule.Quota, out var quota))
            {
                results.Add(Fail(rule, $"quota {rule.Quota} not found in Service Quotas"));
                continue;
            }
            if (unreadable.TryGetValue(rule.Quota, out var readError))
            {
                results.Add(Fail(rule, $"could not read the stored usage of {rule.Quota}: {readError}"));
                continue;
            }
            if (!histories.TryGetValue(rule.Quota, out var history) || history.Count == 0)
            {
                var why = collected.Failures.TryGetValue(rule.Quota, out var sourceFailure)
                    ? $"could not observe the usage of {rule.Quota}: {sourceFailure}"
                    : quota.UsageMetric is null
                    ? $"no usage source for {rule.Quota}: it has no CloudWatch usage metric and no other source reported it"
                    : $"no usage samples yet for {rule.Quota} ({quota.UsageMetric.MetricNamespace} {(quota.UsageMetric.IsResolved ? quota.UsageMetric.MetricName : "metric not resolved yet")})";
                results.Add(new RuleResult(new Failed(rule.RuleId, rule.Quota, $"rule '{rule.RuleId}': {why}"), quota, null, null));
                continue;
            }
            var current = history[^1].Value;
            var forecast = forecasts.For(rule.Quota, history, rule.ForecastHorizon);
            if (expectations?.GetValueOrDefault(rule.Quota) is { } expected)
                forecast = Expect(forecast, expected, current, quota, histories, options.Sizing);
            var snapshot = new QuotaSnapshot(quota, current, forecast) { Sizing = options.Sizing, NearTermRisk = NearTermRisk(rule, history, forecasts, forecast) };
            var decision = DecisionTable.Decide(rule, snapshot, now, options.Costs, options.FastStep);
            if (rule.PolicyNotes is { } notes && decision is not Failed) decision = decision with { Reason = $"{decision.Reason}; {notes}" };
            var breach = EstimateBreach(rule, quota, history, forecast, forecasts);
            if (breach is not null && decision is not Failed) decision = decision with { Reason = $"{decision.Reason}; {breach}" };
            // A per-resource quota is hit at its fullest resource: the decision names it ("vpc-0abc has 198 of 200 subnets").
            if (collected.Fullest.TryGetValue(rule.Quota, out var fullest) && decision is not Failed)
                decision = decision with { Reason = $"{decision.Reason}; {fullest.Describe(quota.Value)}" };
            results.Add(new RuleResult(decision, quota, current, forecast)
            {
                Breach = breach,
                Cleared = snapshot.UtilizationPercent < rule.Thresholds.Warning - options.RecoveryMargin,
                NewSpike = forecasts.NewSpike(rule.Quota, history),
            });
        }
        // Each rule gave one result, in order: the dependents of this cycle's increases decide with what those consume.
        return (DependentDemand.Apply(rules, results, options.Dependencies, now, options), nextDue);

        static RuleResult Fail(QuotaRule rule, string why) => new(new Failed(rule.RuleId, rule.Quota, $"rule '{rule.RuleId}': {why}"), null, null, null);
    }

    /// <summary>
    /// The rule's (1 − breach_risk) quantile of the next hour's peak under risk sizing (<see cref="QuotaSnapshot.NearTermRisk"/>);
    /// its p50 when the tails are not the quota's own (<see cref="Forecast.TailsPooled"/>): the pooled tails of a new
    /// quota that switches on and off put its next hour's p99 at 73,000 on a quota of 2,000, an emergency ×2 on nothing
    /// but other series' errors. It is at most the horizon's own risk quantile (or its p50, if higher): the next hour's peak
    /// is part of the horizon's, so its quantile cannot be higher. Apart, the two came from different corrections and a flat
    /// CPU series got a next-hour p99 of 4,063 against a week's p99 of 840, an emergency × 2 on a quota of 2,000 it never
    /// passed a third of.
    /// </summary>
    private double? NearTermRisk(QuotaRule rule, IReadOnlyList<UsageSample> history, CycleForecasts forecasts, Forecast horizon)
    {
        if (options.Sizing != SizingPolicy.Risk) return null;
        var nextHour = forecasts.For(rule.Quota, history, TimeSpan.FromHours(1));
        var risk = nextHour.TailsPooled ? nextHour.Quantiles?.P50 : nextHour.Quantiles?.At(1 - rule.BreachRisk);
        if (risk is not { } nearTerm || horizon.Quantiles is not { } whole) return risk;
        return Math.Min(nearTerm, Math.Max(whole.At(1 - rule.BreachRisk), whole.P50));
    }

    /// <summary>Time to breach from forecasts at 1 h, 24 h and the rule's horizon (the last is the decision's own).</summary>
    private static BreachEstimate? EstimateBreach(QuotaRule rule, QuotaInfo quota, IReadOnlyList<UsageSample> history, Forecast forecast, CycleForecasts forecasts)
    {
        if (quota.Value <= 0 || forecast.Peak < quota.Value) return null; // the longest horizon does not reach it: no breach ahead
        var horizons = new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(24) }.Where(h => h < rule.ForecastHorizon)
            .Select(h => (h, forecasts.For(rule.Quota, history, h)))
            .Append((rule.ForecastHorizon, forecast));
        return BreachEstimate.From(quota.Value, horizons);
    }

    /// <summary>
    /// An event's expectation raises the forecast peak (never lowers it) when the quota is full enough for it to apply.
    /// Under risk sizing its quantiles are raised too: the organic ones shifted by the units a deployment adds, each at
    /// least the usage the event expects (a scaling or failover replaces the organic forecast when higher); a forecast
    /// with no quantiles keeps none, so it is sized as v1 sized it.
    /// </summary>
    private static Forecast Expect(Forecast forecast, Events.Expectation expected, double current, QuotaInfo quota,
        Dictionary<QuotaKey, IReadOnlyList<UsageSample>> histories, SizingPolicy sizing)
    {
        var utilization = quota.Value > 0 ? 100 * current / quota.Value : double.PositiveInfinity;
        if (utilization < expected.MinUtilizationPercent) return forecast;
        double? other = expected.AddUsageOf is { } key && histories.GetValueOrDefault(key) is [.., var last] ? last.Value : null;
        // What a deployment adds stacks on the organic forecast; a scaling or failover expectation replaces it when higher.
        var floor = expected.ExpectedUsage(current, other);
        var usage = Math.Max(floor, forecast.Peak + expected.AddUnits);
        var quantiles = sizing == SizingPolicy.Risk && forecast.Quantiles is { } organic ? ExpectedQuantiles.Raise(organic, expected.AddUnits, floor) : null;
        var raised = usage > forecast.Peak || quantiles is not null && quantiles.P50 > forecast.Quantiles!.P50; // quantiles set only when the forecast has some
        return raised
            ? new Forecast(Math.Max(usage, forecast.Peak), forecast.Lower, forecast.Upper, "event", string.Create(CultureInfo.InvariantCulture, $"{expected.Reason}: expect {quantiles?.P50 ?? usage:0.##}"))
            { Quantiles = quantiles ?? forecast.Quantiles }
            : forecast;
    }
}

/// <summary>The evaluate phase's results, and when the read cadence next needs a cycle (<see cref="CycleReport.NextCycleDue"/>).</summary>
internal sealed record Evaluation(List<RuleResult> Results, DateTimeOffset? NextCycleDue)
{
    /// <summary>The enabled rules (wildcards expanded), one per result at the end of <see cref="Results"/>, in the same order.</summary>
    public IReadOnlyList<QuotaRule> Rules { get; init; } = [];

    /// <summary>The rules that parsed but are disabled: a step plan of theirs is cancelled, saying so.</summary>
    public IReadOnlyList<QuotaRule> Disabled { get; init; } = [];
}
