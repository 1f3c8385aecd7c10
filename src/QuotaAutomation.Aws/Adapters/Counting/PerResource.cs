using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>The count of a per-resource quota (<see cref="CountScope.Resource"/>): the fullest resource's usage, naming it.</summary>
public static class PerResource
{
    /// <param name="usage">Each resource's usage of the quota, by the id AWS gives it.</param>
    /// <returns>The fullest resource's usage (a tie goes to the first id in ordinal order, so a decision's reason is stable); 0 with no resource named when there are none.</returns>
    public static QuotaCount Count(CountedQuota quota, IEnumerable<KeyValuePair<string, int>> usage)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(usage);
        var all = usage.ToList();
        if (all.Count == 0) return new QuotaCount(quota, 0);
        var fullest = all.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).First();
        return new QuotaCount(quota, fullest.Value, new FullestResource(fullest.Key, fullest.Value, quota.Counted, all.Count));
    }
}
