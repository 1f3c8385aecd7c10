using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>Target groups per Region (<c>L-B22855CB</c>): every target group <c>DescribeTargetGroups</c> lists, attached to a load balancer or not, of any type.</summary>
public sealed class TargetGroupsCounter : IQuotaCounter
{
    public static CountedQuota TargetGroups { get; } = new("elasticloadbalancing", "L-B22855CB", CountScope.Region, "target groups");

    public string Name => "elasticloadbalancing:DescribeTargetGroups";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [TargetGroups];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var elb = scope.Clients.ElasticLoadBalancingV2(scope.Probe(TargetGroups.ServiceCode));
        var groups = 0;
        string? marker = null;
        do
        {
            var page = await elb.DescribeTargetGroupsAsync(marker, ElasticLoadBalancingV2Client.MaxPageSize, ct);
            groups += page.TargetGroupArns.Count;
            marker = Paging.Next(marker, page.NextMarker, "DescribeTargetGroups");
        }
        while (marker is not null);
        return [new QuotaCount(TargetGroups, groups)];
    }
}
