using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Dependencies;

/// <summary>
/// The dependents of this cycle's increases. Every increase the engine would file or send to approval lets its quota's
/// usage grow by the raise (desired − current value); what that growth consumes (<see cref="QuotaDependencies"/>) is
/// added to each dependent the cycle observes (a rule of the same account and Region read it), and the dependent's own
/// rule decides again with that usage expected: it raises (at its own level), alerts, or is held by admission like any
/// increase; the reason names the chain ("ec2/L-1216C47A +64 vCPUs → vpc/L-DF5E4CA3 needs 16 more network interfaces").
/// A dependent raised this way passes its own raise on (the map is acyclic, so chains end). Pure.
/// </summary>
public static class DependentDemand
{
    /// <summary>What one growth adds to a dependent, and the chain that says why.</summary>
    private sealed record Need(double Units, string Path, string Text);

    /// <param name="rules">The cycle's enabled rules.</param>
    /// <param name="results">One result per rule, in the same order.</param>
    /// <returns>The results in the same order, each dependent's re-decided where a raise it depends on needs more of it than its forecast.</returns>
    public static IReadOnlyList<RuleResult> Apply(IReadOnlyList<QuotaRule> rules, IReadOnlyList<RuleResult> results, QuotaDependencies map,
        DateTimeOffset now, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(options);
        if (rules.Count != results.Count) throw new ArgumentException($"{rules.Count} rules but {results.Count} results: one result per rule", nameof(results));

        var updated = results.ToArray();
        if (map.Edges.Count == 0) return updated;
        // Quotas the cycle observes, by a case-insensitive name (rules may spell a service code in capitals).
        var observed = Enumerable.Range(0, rules.Count)
            .Where(i => results[i] is { Decision: not Failed, Quota: not null, CurrentUsage: not null, Forecast: not null })
            .GroupBy(i => Name(rules[i].Quota))
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (observed.Count < 2) return updated;

        var needs = new Dictionary<string, List<Need>>(StringComparer.Ordinal);
        var raisedPath = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var quota in map.SourcesFirst)
        {
            var keys = observed.Where(o => Matches(o.Key, quota)).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
            foreach (var (name, indexes) in keys)
            {
                if (needs.TryGetValue(name, out var wanted))
                {
                    foreach (var i in indexes) updated[i] = Redecide(rules[i], updated[i], wanted, now, options);
                    if (indexes.Any(i => updated[i].Forecast!.Forecaster == DecisionTable.DependencyForecaster))
                        raisedPath[name] = wanted.MaxBy(n => n.Units)!.Path; // wanted is never empty
                }
                var key = rules[indexes[0]].Quota;
                var growth = indexes.Select(i => updated[i].Decision is RequestIncrease r ? r.DesiredValue - r.CurrentValue : 0).Max();
                if (growth <= 0) continue;
                foreach (var edge in map.ConsumedBy(key.ServiceCode, key.QuotaCode))
                {
                    var dependent = Name(key with { ServiceCode = edge.ToService, QuotaCode = edge.ToCode });
                    if (!observed.ContainsKey(dependent)) continue; // not observed: nothing to decide with
                    var units = growth * Ratio(map, edge, key, updated, observed);
                    if (!(units > 0)) continue;
                    // A count needs whole units (21.3 interfaces are 22), once the float noise is rounded off.
                    if (updated[observed[dependent][0]].Quota!.IsCount) units = Math.Ceiling(Math.Round(units, 6));
                    var path = raisedPath.TryGetValue(name, out var before)
                        ? $"{before} +{QuotaDependencies.Num(growth)} {edge.FromUnit}"
                        : $"{edge.From} +{QuotaDependencies.Num(growth)} {edge.FromUnit}";
                    var text = $"{path} → {edge.To} needs {QuotaDependencies.Num(units)} more {edge.ToNoun}";
                    (needs.TryGetValue(dependent, out var list) ? list : needs[dependent] = []).Add(new Need(units, $"{path} → {edge.To}", text));
                }
            }
        }
        return updated;
    }

    /// <summary>
    /// Units of the dependent per unit of the source: the map's number, or for <see cref="DependencyBasis.InUse"/> the
    /// dependent's current usage over the current usage of every source that consumes it in use (the account's own mix).
    /// </summary>
    private static double Ratio(QuotaDependencies map, QuotaDependency edge, QuotaKey source, RuleResult[] results, Dictionary<string, List<int>> observed)
    {
        if (edge.Basis == DependencyBasis.Fixed) return edge.PerUnit;
        double? Usage(string service, string code) =>
            observed.TryGetValue(Name(source with { ServiceCode = service, QuotaCode = code }), out var at) ? results[at[0]].CurrentUsage : null;
        var dependentUsage = Usage(edge.ToService, edge.ToCode) ?? 0;
        var sourcesUsage = map.Consuming(edge.ToService, edge.ToCode).Where(e => e.Basis == DependencyBasis.InUse).Sum(e => Usage(e.FromService, e.FromCode) ?? 0);
        return sourcesUsage > 0 ? dependentUsage / sourcesUsage : edge.PerUnit;
    }

    private static RuleResult Redecide(QuotaRule rule, RuleResult result, List<Need> wanted, DateTimeOffset now, EngineOptions options)
    {
        var quota = result.Quota!; // observed: Quota, CurrentUsage and Forecast are set
        var current = result.CurrentUsage!.Value;
        var forecast = result.Forecast!;
        var expected = current + wanted.Sum(n => n.Units);
        // Risk sizing: the growth is known, so each quantile is floored at it; the band reads the p50, so the dependent
        // is raised when the p50 does not already plan for it. v1 (or no quantiles): the forecast peak, as before.
        var organic = options.Sizing == SizingPolicy.Risk ? forecast.Quantiles : null;
        var quantiles = organic is null ? null : ExpectedQuantiles.Raise(organic, 0, expected);
        if (expected <= (organic?.P50 ?? forecast.Peak)) return result; // its forecast already plans for it
        var raised = new Forecast(Math.Max(expected, forecast.Peak), forecast.Lower, forecast.Upper, DecisionTable.DependencyForecaster, string.Join("; ", wanted.Select(n => n.Text)))
        {
            Quantiles = quantiles ?? forecast.Quantiles,
        };
        var snapshot = new QuotaSnapshot(quota, current, raised) { Sizing = options.Sizing };
        var decision = DecisionTable.Decide(rule, snapshot, now, options.Costs, options.FastStep);
        // What the cycle appended to the rule's own decision (the breach estimate, the fullest resource) still holds.
        var own = DecisionTable.Decide(rule, new QuotaSnapshot(quota, current, forecast) { Sizing = options.Sizing }, now, options.Costs, options.FastStep).Reason;
        var notes = result.Decision.Reason.StartsWith(own, StringComparison.Ordinal) ? result.Decision.Reason[own.Length..] : "";
        return result with
        {
            Decision = decision with { Reason = decision.Reason + notes },
            Forecast = raised,
            Cleared = snapshot.UtilizationPercent < rule.Thresholds.Warning - options.RecoveryMargin,
        };
    }

    private static string Name(QuotaKey key) => new QuotaKey(key.ServiceCode.ToUpperInvariant(), key.QuotaCode.ToUpperInvariant(), key.Region, key.AccountId).ToString();

    private static bool Matches(string name, string quota) => name.StartsWith(quota.ToUpperInvariant() + "@", StringComparison.Ordinal);
}
