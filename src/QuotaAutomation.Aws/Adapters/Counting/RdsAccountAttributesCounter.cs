using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Amazon RDS's account quotas from <c>DescribeAccountAttributes</c>: every quota's usage and limit in one call per
/// account and Region. Counted as RDS counts them (the model's documentation): DB instances include Aurora, Neptune and
/// DocumentDB instances; parameter, cluster parameter and option groups exclude the default ones; storage is the
/// allocated GiB of every instance. The per-resource quotas the API reports (read replicas per primary, subnets per
/// subnet group, rules per DB security group, IAM roles per instance or cluster, custom endpoints per cluster) give only
/// the fullest resource's usage, without naming it, and are not served.
/// </summary>
public sealed class RdsAccountAttributesCounter : IQuotaCounter
{
    /// <summary>Each served quota and its <c>AccountQuotaName</c>.</summary>
    private static readonly IReadOnlyList<(CountedQuota Quota, string Name)> Names =
    [
        (new("rds", "L-7B6409FD", CountScope.Region, "DB instances"), "DBInstances"),
        (new("rds", "L-78E853F4", CountScope.Region, "reserved DB instances"), "ReservedDBInstances"),
        (new("rds", "L-7ADDB58A", CountScope.Region, "GiB of DB instance storage"), "AllocatedStorage"),
        (new("rds", "L-952B80B8", CountScope.Region, "DB clusters"), "DBClusters"),
        (new("rds", "L-DE55804A", CountScope.Region, "DB parameter groups"), "DBParameterGroups"),
        (new("rds", "L-E4C808A8", CountScope.Region, "DB cluster parameter groups"), "DBClusterParameterGroups"),
        (new("rds", "L-9FA33840", CountScope.Region, "option groups"), "OptionGroups"),
        (new("rds", "L-48C6BF61", CountScope.Region, "DB subnet groups"), "DBSubnetGroups"),
        (new("rds", "L-732153D0", CountScope.Region, "DB security groups"), "DBSecurityGroups"),
        (new("rds", "L-272F1212", CountScope.Region, "manual DB instance snapshots"), "ManualSnapshots"),
        (new("rds", "L-9B510759", CountScope.Region, "manual DB cluster snapshots"), "ManualClusterSnapshots"),
        (new("rds", "L-A59F4C87", CountScope.Region, "event subscriptions"), "EventSubscriptions"),
    ];

    public string Name => "rds:DescribeAccountAttributes";

    public UsageSourceKind Kind => UsageSourceKind.AccountLimitApi;

    public IReadOnlyList<CountedQuota> Serves { get; } = Names.Select(n => n.Quota).ToList();

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(wanted);
        var quotas = (await scope.Clients.Rds(scope.Probe("rds")).DescribeAccountAttributesAsync(ct)).AccountQuotas
            .GroupBy(q => q.AccountQuotaName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return Names
            .Where(n => wanted.Contains(n.Quota) && quotas.ContainsKey(n.Name))
            .Select(n => new QuotaCount(n.Quota, quotas[n.Name].Used, Limit: quotas[n.Name].Max))
            .ToList();
    }
}
