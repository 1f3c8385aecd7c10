using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Application and Network Load Balancers per Region (<c>L-53DA6B97</c>, <c>L-69A177A2</c>): one listing of the
/// Region's v2 load balancers, counted by <c>Type</c>. Gateway Load Balancers (their own type) count toward neither;
/// Classic Load Balancers (<c>L-E9E9831D</c>) are another API's and not listed.
/// </summary>
public sealed class LoadBalancersCounter : IQuotaCounter
{
    public static CountedQuota Application { get; } = new("elasticloadbalancing", "L-53DA6B97", CountScope.Region, "Application Load Balancers");

    public static CountedQuota Network { get; } = new("elasticloadbalancing", "L-69A177A2", CountScope.Region, "Network Load Balancers");

    public string Name => "elasticloadbalancing:DescribeLoadBalancers";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Application, Network];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(wanted);
        var elb = scope.Clients.ElasticLoadBalancingV2(scope.Probe(Application.ServiceCode));
        var (application, network) = (0, 0);
        string? marker = null;
        do
        {
            var page = await elb.DescribeLoadBalancersAsync(marker, ElasticLoadBalancingV2Client.MaxPageSize, ct);
            application += page.LoadBalancers.Count(b => b.Type == "application");
            network += page.LoadBalancers.Count(b => b.Type == "network");
            marker = Paging.Next(marker, page.NextMarker, "DescribeLoadBalancers");
        }
        while (marker is not null);
        return [.. new[] { new QuotaCount(Application, application), new QuotaCount(Network, network) }.Where(c => wanted.Contains(c.Quota))];
    }
}
