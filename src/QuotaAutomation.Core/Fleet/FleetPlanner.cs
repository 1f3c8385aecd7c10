using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// Expands rules × accounts × Regions into shards: for every active account and each Region in scope, the most
/// specific enabled rule per quota (<see cref="TargetMatch"/>), plus the rules that keep a standby there. Pure: the
/// organization and rules are read by the caller, the shards written by the caller.
/// </summary>
public static class FleetPlanner
{
    public static FleetPlan Plan(string fleetRunId, IReadOnlyList<QuotaRule> rules, Organization org, FleetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(org);
        ArgumentNullException.ThrowIfNull(settings);
        var enabled = rules.Where(r => r.Enabled).OrderBy(r => r.RuleId, StringComparer.Ordinal).ToList();
        var accounts = WithHub(org, settings).Accounts;
        var skipped = accounts.Where(a => a.State != AccountState.Active)
            .Select(a => new SkippedAccount(a.Id, a.Name, $"account {a.Id} ({a.Name}) is {Describe(a.State)}: not cycled")).ToList();
        skipped.AddRange(Unknown(enabled, accounts));
        var byId = accounts.ToDictionary(a => a.Id, StringComparer.Ordinal);

        var cells = new SortedDictionary<(string Account, string Region), Dictionary<(string Service, string Quota), List<Candidate>>>();
        foreach (var account in accounts.Where(a => a.State == AccountState.Active))
        {
            var allRegions = settings.Regions ?? account.EnabledRegions ?? [settings.HomeRegion];
            foreach (var region in RegionsNamed(enabled, allRegions).Where(r => Enabled(account, r)))
            foreach (var rule in enabled)
            {
                if (TargetMatch.Specificity(rule.Targets, account, region, allRegions, settings.HubAccountId) is not { } score) continue;
                Add(cells, account.Id, region, rule, new Candidate(rule, score, null));
                if (Standby(rule, account, region, byId) is { } standby && Enabled(byId[standby.Account], standby.Region))
                    Add(cells, standby.Account, standby.Region, rule, new Candidate(rule, TargetMatch.StandbySpecificity, standby.Link));
            }
        }
        return Resolve(fleetRunId, cells, skipped, byId);
    }

    private static FleetPlan Resolve(string fleetRunId, SortedDictionary<(string Account, string Region), Dictionary<(string Service, string Quota), List<Candidate>>> cells, List<SkippedAccount> skipped,
        Dictionary<string, OrgAccount> accounts)
    {
        var overlaps = new Dictionary<(string Winner, string Loser, string Service, string Quota, bool Tie), (int Cells, string Account, string Region)>();
        var picked = new List<(string Account, string Region, List<string> RuleIds, List<ParityLink> Parity)>();
        foreach (var ((account, region), quotas) in cells)
        {
            var ruleIds = new List<string>();
            var parity = new List<ParityLink>();
            foreach (var ((service, quota), candidates) in quotas)
            {
                var ordered = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Rule.RuleId, StringComparer.Ordinal).ToList();
                var winner = ordered[0];
                if (ruleIds.Contains(winner.Rule.RuleId)) continue; // one rule, one instance per shard (its primary side wins)
                ruleIds.Add(winner.Rule.RuleId);
                if (winner.Parity is { } link) parity.Add(link);
                foreach (var loser in ordered.Skip(1).Where(l => l.Rule.RuleId != winner.Rule.RuleId))
                {
                    var key = (winner.Rule.RuleId, loser.Rule.RuleId, service, quota, loser.Score == winner.Score);
                    overlaps[key] = overlaps.TryGetValue(key, out var seen) ? (seen.Cells + 1, seen.Account, seen.Region) : (1, account, region);
                }
            }
            picked.Add((account, region, ruleIds, parity));
        }
        var perAccount = picked.GroupBy(p => p.Account, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var shards = picked.Select(p => new FleetShard(fleetRunId, FleetShard.IdOf(p.Account, p.Region), p.Account, p.Region,
            p.RuleIds.Order(StringComparer.Ordinal).ToList(), 1.0 / perAccount[p.Account], p.Parity.Count == 0 ? null : p.Parity) { Parents = accounts[p.Account].Parents }).ToList();
        var overlapList = overlaps.Select(o => new RuleOverlap(o.Key.Winner, o.Key.Loser, o.Key.Service, o.Key.Quota, o.Key.Tie, o.Value.Cells, o.Value.Account, o.Value.Region))
            .OrderByDescending(o => o.Tie).ThenBy(o => o.Winner, StringComparer.Ordinal).ThenBy(o => o.Loser, StringComparer.Ordinal).ToList();
        return new FleetPlan(shards, skipped, overlapList);
    }

    private static void Add(SortedDictionary<(string, string), Dictionary<(string, string), List<Candidate>>> cells, string account, string region, QuotaRule rule, Candidate candidate)
    {
        if (!cells.TryGetValue((account, region), out var quotas)) cells[(account, region)] = quotas = [];
        var key = (rule.Quota.ServiceCode, rule.Quota.QuotaCode);
        if (!quotas.TryGetValue(key, out var list)) quotas[key] = list = [];
        list.Add(candidate);
    }

    /// <summary>Every Region some rule can reach in this account: named ones, <c>*</c>'s, and standbys'.</summary>
    private static IEnumerable<string> RegionsNamed(IReadOnlyList<QuotaRule> rules, IReadOnlyList<string> allRegions) =>
        rules.SelectMany(r => r.Targets.Regions.Contains(RuleTargets.All) ? allRegions : r.Targets.Regions.AsEnumerable())
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>A named Region the account has not enabled would only fail: skip it when the account's Regions are known.</summary>
    private static bool Enabled(OrgAccount account, string region) =>
        account.State == AccountState.Active && (account.EnabledRegions is null || account.EnabledRegions.Contains(region, StringComparer.Ordinal));

    private static (string Account, string Region, ParityLink Link)? Standby(QuotaRule rule, OrgAccount account, string region, Dictionary<string, OrgAccount> accounts)
    {
        if (rule.Targets.Standby is not { } standby) return null;
        var (target, targetRegion) = standby.Region is { } r ? (account.Id, r) : (standby.AccountId!, region); // the parser sets one of the two
        if (!accounts.ContainsKey(target)) return null;
        return (target, targetRegion, new ParityLink(rule.RuleId, rule.Quota.ServiceCode, rule.Quota.QuotaCode, account.Id, region, standby.Factor, standby.PeakWindow.TotalDays));
    }

    /// <summary>Accounts rules name that the organization does not have: reported, so a typo is seen.</summary>
    private static IEnumerable<SkippedAccount> Unknown(IReadOnlyList<QuotaRule> rules, IReadOnlyList<OrgAccount> accounts)
    {
        var known = accounts.Select(a => a.Id).Concat(accounts.SelectMany(a => a.Parents)).ToHashSet(StringComparer.Ordinal);
        return rules.SelectMany(r => r.Targets.Accounts.Concat(r.Targets.Standby?.AccountId is { } s ? [s] : []).Select(t => (Rule: r.RuleId, Target: t)))
            .Where(x => x.Target != RuleTargets.All && !known.Contains(x.Target))
            .GroupBy(x => x.Target, StringComparer.Ordinal)
            .Select(g => new SkippedAccount(g.Key, "", $"{(RuleTargets.IsAccountId(g.Key) ? "account" : "organizational unit")} {g.Key} named by rule(s) {string.Join(", ", g.Select(x => $"'{x.Rule}'").Distinct())} is not in the organization"));
    }

    /// <summary>A hub outside any organization (a standalone account) still runs the rules that name no account.</summary>
    private static Organization WithHub(Organization org, FleetSettings settings) =>
        org.Accounts.Any(a => a.Id == settings.HubAccountId) ? org
            : org with { Accounts = [.. org.Accounts, new OrgAccount(settings.HubAccountId, "hub", AccountState.Active, [])] };

    private static string Describe(AccountState state) => state switch
    {
        AccountState.Suspended => "suspended",
        AccountState.PendingClosure => "pending closure",
        AccountState.Closed => "closed",
        _ => "active",
    };

    private sealed record Candidate(QuotaRule Rule, int Score, ParityLink? Parity);
}
