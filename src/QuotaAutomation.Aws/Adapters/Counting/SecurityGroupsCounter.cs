using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// From one EC2 DescribeSecurityGroups read: VPC security groups per Region (vpc L-E79EC296: every group, each VPC's
/// default group included) and inbound or outbound rules per security group (vpc L-0EA8095F: the group with the most
/// rules in one direction, naming it).
/// <para>
/// Rules are counted as AWS enforces the quota: per direction, and separately for IPv4 and IPv6, so a group's usage is
/// its largest of the four counts. Each CIDR range is a rule of its family; a rule that references a security group or
/// a prefix list counts once for IPv4 and once for IPv6. Not counted: a referenced prefix list's weight (AWS counts its
/// maximum entries, which DescribeSecurityGroups does not give), so a group using large prefix lists is undercounted.
/// </para>
/// </summary>
public sealed class SecurityGroupsCounter : IQuotaCounter
{
    public static readonly CountedQuota SecurityGroups = new("vpc", "L-E79EC296", CountScope.Region, "security groups");

    public static readonly CountedQuota RulesPerGroup = new("vpc", "L-0EA8095F", CountScope.Resource, "rules");

    public string Name => "ec2:DescribeSecurityGroups";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [SecurityGroups, RulesPerGroup];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var groups = await Ec2Reads.AllAsync("DescribeSecurityGroups",
            scope.Ec2().Paginators.DescribeSecurityGroups(new DescribeSecurityGroupsRequest { MaxResults = Ec2Reads.MaxPage }).SecurityGroups, ct);
        return
        [
            new QuotaCount(SecurityGroups, groups.Count),
            PerResource.Count(RulesPerGroup, groups.Select(g => KeyValuePair.Create(g.GroupId, Math.Max(Rules(g.IpPermissions), Rules(g.IpPermissionsEgress))))),
        ];
    }

    /// <summary>One direction's rules: the larger of its IPv4 and IPv6 counts.</summary>
    public static int Rules(IEnumerable<IpPermission>? permissions)
    {
        var (v4, v6) = (0, 0);
        foreach (var permission in permissions ?? [])
        {
            var both = (permission.UserIdGroupPairs?.Count ?? 0) + (permission.PrefixListIds?.Count ?? 0);
            v4 += (permission.Ipv4Ranges?.Count ?? 0) + both;
            v6 += (permission.Ipv6Ranges?.Count ?? 0) + both;
        }
        return Math.Max(v4, v6);
    }
}
