using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// The rules one shard runs, made concrete for its account and Region: the plan's rule ids only, with
/// <c>account_id</c> and <c>region</c> set to the shard's and the fleet-only attributes removed. The engine then runs
/// them as it runs any rule. A rule deleted since the plan is simply gone.
/// </summary>
/// <param name="hubAccountId">The hub's account: its shards leave <c>account_id</c> out, so its calls use the hub's own credentials.</param>
public sealed class ScopedRuleStore(IRuleStore inner, FleetShard shard, string? hubAccountId = null) : IRuleStore
{
    private static readonly string[] FleetOnly = ["exclude_accounts", "exclude_regions", "standby_region", "standby_account", "standby_factor", "standby_peak_days"];

    private readonly HashSet<string> _ruleIds = new(shard.RuleIds, StringComparer.Ordinal);

    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct)
    {
        var rules = await inner.LoadRulesAsync(ct);
        return rules.Where(r => _ruleIds.Contains(RuleParser.NameOf(r))).Select(Concrete).ToList();
    }

    private RawRule Concrete(RawRule raw)
    {
        var attributes = raw.Attributes.Where(a => !FleetOnly.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        attributes["region"] = shard.Region;
        if (string.Equals(shard.AccountId, hubAccountId, StringComparison.Ordinal)) attributes.Remove("account_id");
        else attributes["account_id"] = shard.AccountId;
        return raw with { Origin = $"{raw.Origin} in {shard.ShardId}", Attributes = attributes };
    }
}
