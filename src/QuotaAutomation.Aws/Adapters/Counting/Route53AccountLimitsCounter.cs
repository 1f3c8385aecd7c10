using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Route 53's account quotas from <c>GetAccountLimit</c>: one call per wanted limit type, each returning the count and
/// the limit. Route 53 is global: the quotas are read in the Region their keys name (us-east-1). Traffic policy
/// instances are what Service Quotas calls traffic flow policy records.
/// </summary>
public sealed class Route53AccountLimitsCounter : IQuotaCounter
{
    /// <summary>Each served quota and its limit type.</summary>
    private static readonly IReadOnlyList<(CountedQuota Quota, string Type)> Types =
    [
        (new("route53", "L-4EA4796A", CountScope.Account, "hosted zones"), "MAX_HOSTED_ZONES_BY_OWNER"),
        (new("route53", "L-ACB674F3", CountScope.Account, "health checks"), "MAX_HEALTH_CHECKS_BY_OWNER"),
        (new("route53", "L-A72C7724", CountScope.Account, "reusable delegation sets"), "MAX_REUSABLE_DELEGATION_SETS_BY_OWNER"),
        (new("route53", "L-FC688E7C", CountScope.Account, "traffic policies"), "MAX_TRAFFIC_POLICIES_BY_OWNER"),
        (new("route53", "L-628D5A56", CountScope.Account, "traffic policy records"), "MAX_TRAFFIC_POLICY_INSTANCES_BY_OWNER"),
    ];

    public string Name => "route53:GetAccountLimit";

    public UsageSourceKind Kind => UsageSourceKind.AccountLimitApi;

    public IReadOnlyList<CountedQuota> Serves { get; } = Types.Select(t => t.Quota).ToList();

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(wanted);
        var client = scope.Clients.Route53(scope.Probe("route53"));
        var counts = new List<QuotaCount>();
        foreach (var (quota, type) in Types.Where(t => wanted.Contains(t.Quota)))
        {
            var reply = await client.GetAccountLimitAsync(type, ct);
            counts.Add(new QuotaCount(quota, reply.Count, Limit: reply.Limit.Value));
        }
        return counts;
    }
}
