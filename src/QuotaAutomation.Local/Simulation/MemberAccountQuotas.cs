using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// The quotas of one account of a virtual organization in one Region: the built-in quotas, each account's values and
/// usage levels drawn from the seed and the account id, so a fleet is not a thousand copies of one account (some
/// accounts calm, some near their quotas, some with quotas raised before) and every run draws the same fleet.
/// </summary>
public static class MemberAccountQuotas
{
    /// <param name="accountId">"" for the caller's own account: its quotas are the built-in ones, in any Region.</param>
    public static IReadOnlyList<(QuotaInfo Quota, UsageProfile Profile)> For(int seed, string accountId, string region)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(region);
        var quotas = new List<(QuotaInfo, UsageProfile)>(BuiltInAccount.Quotas.Count);
        foreach (var (quota, profile) in BuiltInAccount.Quotas)
        {
            var key = quota.Key with { Region = region, AccountId = accountId.Length == 0 ? null : accountId };
            if (accountId.Length == 0)
            {
                quotas.Add((quota with { Key = key }, profile));
                continue;
            }
            var name = $"{accountId}/{region}/{quota.Key.ServiceCode}/{quota.Key.QuotaCode}";
            // A quarter of the accounts had a quota raised before (×2 or ×4); usage from half to 1.1 × the built-in level.
            var raised = StableRandom.Uniform(seed, name + "/raised", 0) switch { < 0.15 => 2.0, < 0.25 => 4.0, _ => 1.0 };
            var level = 0.5 + 0.6 * StableRandom.Uniform(seed, name + "/level", 0);
            quotas.Add((quota with { Key = key, Value = quota.Value * raised }, profile with { BaseFraction = profile.BaseFraction * level / raised }));
        }
        return quotas;
    }
}
