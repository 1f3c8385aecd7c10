using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Part of evaluation: the cycle's wildcard rules (<see cref="WildcardRules"/>) made concrete over the quotas their
/// account and Region observe (<see cref="EnginePorts.Coverage"/>, asked once per account and Region), audited as one
/// record with each wildcard's counts, not a line per quota. A wildcard that cannot be expanded (no coverage port, the
/// listing failed) fails closed: it becomes a <see cref="Failed"/> result naming why, and the other rules go on.
/// </summary>
internal sealed class WildcardRuleExpansion(EnginePorts ports)
{
    /// <param name="rules">The cycle's enabled rules; wildcard ones are replaced by their expansion.</param>
    /// <param name="namedQuotas">Every quota a parsed rule names, enabled or not.</param>
    public async Task<(List<QuotaRule> Rules, List<RuleResult> Failed)> ExpandAsync(List<QuotaRule> rules, IReadOnlySet<QuotaKey> namedQuotas, CycleAudit audit, CancellationToken ct)
    {
        var wildcards = rules.Where(r => WildcardRules.IsWildcard(r.Quota)).ToList();
        if (wildcards.Count == 0) return (rules, []);
        var concrete = rules.Where(r => !WildcardRules.IsWildcard(r.Quota)).ToList();
        var failed = new List<RuleResult>();
        var counts = new List<WildcardCount>();
        foreach (var place in wildcards.GroupBy(r => (r.Quota.AccountId, r.Quota.Region)))
        {
            var (account, region) = place.Key;
            if (ports.Coverage is not { } coverage)
            {
                failed.AddRange(place.Select(r => Fail(r, "this backend lists no observed quotas (no coverage source), so it cannot expand a wildcard; name the quota instead")));
                continue;
            }
            // One listing per account and Region: filtered to one service when every wildcard there names the same one.
            var services = place.Select(r => r.Quota.ServiceCode).Distinct(StringComparer.Ordinal).ToList();
            var service = services is [var only] && only != WildcardRules.All ? only : null;
            IReadOnlyList<Ports.ObservableQuota> observed;
            try
            {
                observed = await coverage.ListAsync(account, region, service, includeUnobserved: false, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failed.AddRange(place.Select(r => Fail(r, $"could not list the observed quotas of {account ?? "this account"} in {region}: {e.Message}")));
                continue;
            }
            var expansion = WildcardRules.Expand(place.ToList(), namedQuotas, observed);
            concrete.AddRange(expansion.Rules);
            counts.AddRange(expansion.Counts);
        }
        // A failed rule with no quota is not audited as a decision (it reads as a rejected rule): its record is written here.
        foreach (var result in failed)
            await audit.WriteAsync(AuditKind.Error, result.Decision.RuleId, null, "wildcard_unexpanded", result.Decision.Reason, ct);
        if (counts.Count > 0)
            await audit.WriteAsync(AuditKind.Cycle, "-", null, "wildcards_expanded",
                $"{counts.Sum(c => c.Expanded)} rules from {counts.Count} wildcard rule(s): {string.Join("; ", counts.Select(c => c.Describe()))}", ct);
        return (concrete, failed);
    }

    private static RuleResult Fail(QuotaRule rule, string why) =>
        new(new Failed(rule.RuleId, null, $"rule '{rule.RuleId}': service_code '{rule.Quota.ServiceCode}' / quota_code '{rule.Quota.QuotaCode}': {why}"), null, null, null);
}
