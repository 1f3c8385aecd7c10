using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Core.Governance;

/// <summary>One governed account: the Regions the fleet runs rules in for it, and whether it can be reached.</summary>
public sealed record AccountCoverage(string AccountId, string Name, IReadOnlyList<string> Regions, int Rules, string? Unreachable);

/// <summary>
/// Compliance across the fleet (issue 17), pure: from the organization, the fleet plan its rules make, and a probe of
/// each governed account, which accounts and Regions have rules, which active accounts have none, which the plan skips,
/// which the fleet cannot reach, and where fleet rules overlap (the less specific never runs there).
/// </summary>
public static class FleetCompliance
{
    /// <param name="unreachable">Governed accounts the probe could not reach, with why; an account absent was reached (or not probed).</param>
    public static (IReadOnlyList<AccountCoverage> Coverage, IReadOnlyList<ComplianceFinding> Findings) Find(Organization org, FleetPlan plan, IReadOnlyDictionary<string, string> unreachable)
    {
        ArgumentNullException.ThrowIfNull(org);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(unreachable);
        var names = org.Accounts.ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        var coverage = plan.Shards.GroupBy(s => s.AccountId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AccountCoverage(g.Key, names.GetValueOrDefault(g.Key, ""), g.Select(s => s.Region).Distinct().Order(StringComparer.Ordinal).ToList(),
                g.SelectMany(s => s.RuleIds).Distinct(StringComparer.Ordinal).Count(), unreachable.GetValueOrDefault(g.Key))).ToList();
        var governed = coverage.Select(c => c.AccountId).ToHashSet(StringComparer.Ordinal);
        var skipped = plan.Skipped.Select(s => s.AccountId).ToHashSet(StringComparer.Ordinal);
        var findings = new List<ComplianceFinding>();
        findings.AddRange(org.Accounts.Where(a => a.State == AccountState.Active && !governed.Contains(a.Id) && !skipped.Contains(a.Id)).OrderBy(a => a.Id, StringComparer.Ordinal)
            .Select(a => new ComplianceFinding(FindingKind.UngovernedAccount, a.Id, $"account {a.Id} ({a.Name}) has no rule in any Region: the fleet runs nothing there")));
        findings.AddRange(plan.Skipped.Select(s => new ComplianceFinding(FindingKind.SkippedAccount, s.AccountId, s.Reason)));
        findings.AddRange(coverage.Where(c => c.Unreachable is not null)
            .Select(c => new ComplianceFinding(FindingKind.UnreachableAccount, c.AccountId, $"the fleet cannot reach account {c.AccountId} ({c.Name}): {c.Unreachable}; its {c.Rules} rule(s) in {c.Regions.Count} Region(s) do not run")));
        findings.AddRange(plan.Overlaps.Select(o => new ComplianceFinding(FindingKind.OverlappingRule, o.Loser, o.ToString())));
        return (coverage, findings);
    }
}
