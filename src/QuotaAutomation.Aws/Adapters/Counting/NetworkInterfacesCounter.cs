using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// From one EC2 DescribeNetworkInterfaces read: network interfaces per Region (vpc L-DF5E4CA3: every interface,
/// those AWS services create in the account's subnets for load balancers, NAT gateways or Lambda functions included,
/// since they count too) and security groups per network interface (vpc L-2AFB9258: the interface with the most
/// groups, naming it).
/// </summary>
public sealed class NetworkInterfacesCounter : IQuotaCounter
{
    public static readonly CountedQuota NetworkInterfaces = new("vpc", "L-DF5E4CA3", CountScope.Region, "network interfaces");

    public static readonly CountedQuota GroupsPerInterface = new("vpc", "L-2AFB9258", CountScope.Resource, "security groups");

    public string Name => "ec2:DescribeNetworkInterfaces";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [NetworkInterfaces, GroupsPerInterface];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var interfaces = await Ec2Reads.AllAsync("DescribeNetworkInterfaces",
            scope.Ec2().Paginators.DescribeNetworkInterfaces(new DescribeNetworkInterfacesRequest { MaxResults = Ec2Reads.MaxPage }).NetworkInterfaces, ct);
        return
        [
            new QuotaCount(NetworkInterfaces, interfaces.Count),
            PerResource.Count(GroupsPerInterface, interfaces.Select(i => KeyValuePair.Create(i.NetworkInterfaceId, i.Groups?.Count ?? 0))),
        ];
    }
}
