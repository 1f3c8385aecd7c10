using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// The EC2, VPC and EBS counters (AWSSDK.EC2) in one cycle's usage read on moto: resources in several VPCs and two
/// Regions made by boto3 (an independent client), each quota's count exact, per resource where the quota is per
/// resource (naming the fullest), and each EC2 operation called once per Region however many quotas it serves.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed partial class Ec2CountersOnMotoTests(MotoServer moto)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// us-east-1: VPC a (8 subnets: 5 in us-east-1a, 3 in us-east-1b; 2 more route tables), VPC b (2 subnets), the
    /// default VPC (6 subnets, one per zone); 3 internet gateways (one detached); NAT gateways: 2 in us-east-1a, 1 in
    /// us-east-1b, 1 deleted; 5 Elastic IPs; 3 network interfaces of our own (one with 3 security groups); security group
    /// web with 6 IPv4 and 3 IPv6 inbound rules; volumes gp3 100 + 1024 GiB and a gp2; 2 snapshots. eu-west-1: VPC c
    /// (1 subnet) beside the default VPC (3 subnets); a 2048 GiB gp3 volume. moto's own snapshots (of its AMIs, owned
    /// by the account) are counted by boto3 before.
    /// </summary>
    private const string World = """
        import boto3, json
        out = {}
        def client(region):
            return boto3.client('ec2', region_name=region, endpoint_url=endpoint)
        ec2 = client('us-east-1')
        out['snapshots_before'] = len(ec2.describe_snapshots(OwnerIds=['self'])['Snapshots'])
        a = ec2.create_vpc(CidrBlock='10.1.0.0/16')['Vpc']['VpcId']
        b = ec2.create_vpc(CidrBlock='10.2.0.0/16')['Vpc']['VpcId']
        sa = [ec2.create_subnet(VpcId=a, CidrBlock=f'10.1.{i}.0/24', AvailabilityZone='us-east-1a' if i < 5 else 'us-east-1b')['Subnet']['SubnetId'] for i in range(8)]
        for i in range(2):
            ec2.create_subnet(VpcId=b, CidrBlock=f'10.2.{i}.0/24', AvailabilityZone='us-east-1c')
        for vpc in (a, b):
            igw = ec2.create_internet_gateway()['InternetGateway']['InternetGatewayId']
            ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        ec2.create_internet_gateway()
        eips = [ec2.allocate_address(Domain='vpc')['AllocationId'] for _ in range(5)]
        for subnet, eip in [(sa[0], eips[0]), (sa[1], eips[1]), (sa[5], eips[2])]:
            ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
        gone = ec2.create_nat_gateway(SubnetId=sa[6], AllocationId=eips[3])['NatGateway']['NatGatewayId']
        ec2.delete_nat_gateway(NatGatewayId=gone)
        web = ec2.create_security_group(GroupName='web', Description='web', VpcId=a)['GroupId']
        app = ec2.create_security_group(GroupName='app', Description='app', VpcId=a)['GroupId']
        db = ec2.create_security_group(GroupName='db', Description='db', VpcId=a)['GroupId']
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
            {'IpProtocol': 'tcp', 'FromPort': 80, 'ToPort': 80, 'IpRanges': [{'CidrIp': f'192.0.2.{i}/32'} for i in range(4)]},
            {'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443, 'IpRanges': [{'CidrIp': '198.51.100.0/24'}],
             'Ipv6Ranges': [{'CidrIpv6': '2001:db8::/32'}, {'CidrIpv6': '2001:db9::/32'}]},
            {'IpProtocol': 'tcp', 'FromPort': 8080, 'ToPort': 8080, 'UserIdGroupPairs': [{'GroupId': app}]}])
        ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '10.0.0.0/8'}]}])
        out['eni'] = ec2.create_network_interface(SubnetId=sa[0], Groups=[web, app, db])['NetworkInterface']['NetworkInterfaceId']
        ec2.create_network_interface(SubnetId=sa[0], Groups=[web])
        ec2.create_network_interface(SubnetId=sa[2])
        rt = ec2.create_route_table(VpcId=a)['RouteTable']['RouteTableId']
        ec2.create_route_table(VpcId=a)
        igw_a = ec2.describe_internet_gateways(Filters=[{'Name': 'attachment.vpc-id', 'Values': [a]}])['InternetGateways'][0]['InternetGatewayId']
        for cidr in ('0.0.0.0/0', '203.0.113.0/24'):
            ec2.create_route(RouteTableId=rt, DestinationCidrBlock=cidr, GatewayId=igw_a)
        volume = ec2.create_volume(AvailabilityZone='us-east-1a', Size=100, VolumeType='gp3')['VolumeId']
        ec2.create_volume(AvailabilityZone='us-east-1a', Size=1024, VolumeType='gp3')
        ec2.create_volume(AvailabilityZone='us-east-1a', Size=500, VolumeType='gp2')
        for _ in range(2):
            ec2.create_snapshot(VolumeId=volume)
        out.update(a=a, web=web, rt=rt)
        eu = client('eu-west-1')
        out['eu_snapshots_before'] = len(eu.describe_snapshots(OwnerIds=['self'])['Snapshots'])
        c = eu.create_vpc(CidrBlock='10.3.0.0/16')['Vpc']['VpcId']
        eu.create_subnet(VpcId=c, CidrBlock='10.3.0.0/24', AvailabilityZone='eu-west-1a')
        eu.create_volume(AvailabilityZone='eu-west-1a', Size=2048, VolumeType='gp3')
        out['eu_default'] = eu.describe_vpcs(Filters=[{'Name': 'is-default', 'Values': ['true']}])['Vpcs'][0]['VpcId']
        print(json.dumps(out))
        """;

    private static readonly CountedQuota[] Ec2Quotas = QuotaCounters.All.Where(c => c.Name.StartsWith("ec2:", StringComparison.Ordinal)).SelectMany(c => c.Serves).ToArray();

    private static UsageQuery Query(CountedQuota quota, string region, double value) =>
        new(new QuotaInfo(new QuotaKey(quota.ServiceCode, quota.QuotaCode, region), quota.Counted, value, true, "None"), Now.AddMinutes(-5)) { Detailed = true };

    [Fact]
    public async Task ReadAsync_CountsEveryEc2Quota_InTwoRegions_PerResourceNamingTheFullest_OneCallPerOperationAndRegion()
    {
        await moto.ResetAsync();
        using var world = JsonDocument.Parse(await Boto3.RunAsync(moto, World));
        string Id(string name) => world.RootElement.GetProperty(name).GetString()!; // the script prints every name asked for
        var calls = new OperationLog(new SocketsHttpHandler());
        using var clients = new AwsClients(moto.Options(calls), new AwsBackendOptions());
        var source = new AwsUsageSource(clients, new FakeTimeProvider(Now));
        var queries = new[] { "us-east-1", "eu-west-1" }.SelectMany(region => Ec2Quotas.Select(q => Query(q, region, 200))).ToList();

        var reading = await source.ReadAsync(queries, Now, CancellationToken.None);

        double Used(CountedQuota quota, string region) => Assert.Single(reading.Samples[new QuotaKey(quota.ServiceCode, quota.QuotaCode, region)]).Value;
        string? Fullest(CountedQuota quota, string region) => reading.Fullest.GetValueOrDefault(new QuotaKey(quota.ServiceCode, quota.QuotaCode, region))?.Describe(200);
        Assert.Empty(reading.Failures);
        Assert.Equal(
            [3, 8, 3, 2, 5, 3 + 4, 6, 6, 3, 3, 3, 1124 / 1024.0, world.RootElement.GetProperty("snapshots_before").GetInt32() + 2],
            new[] { VpcsCounter.Vpcs, SubnetsCounter.SubnetsPerVpc, InternetGatewaysCounter.InternetGateways, NatGatewaysCounter.NatGatewaysPerZone,
                AddressesCounter.ElasticIps, NetworkInterfacesCounter.NetworkInterfaces, SecurityGroupsCounter.SecurityGroups, SecurityGroupsCounter.RulesPerGroup,
                NetworkInterfacesCounter.GroupsPerInterface, RouteTablesCounter.TablesPerVpc, RouteTablesCounter.RoutesPerTable, Gp3StorageCounter.Gp3Storage,
                SnapshotsCounter.Snapshots }.Select(q => Used(q, "us-east-1")));
        Assert.Equal(
            [$"{Id("a")} has 8 of 200 subnets", "us-east-1a has 2 of 200 NAT gateways", $"{Id("web")} has 6 of 200 rules", $"{Id("eni")} has 3 of 200 security groups",
                $"{Id("a")} has 3 of 200 route tables", $"{Id("rt")} has 3 of 200 routes"],
            new[] { SubnetsCounter.SubnetsPerVpc, NatGatewaysCounter.NatGatewaysPerZone, SecurityGroupsCounter.RulesPerGroup, NetworkInterfacesCounter.GroupsPerInterface,
                RouteTablesCounter.TablesPerVpc, RouteTablesCounter.RoutesPerTable }.Select(q => Fullest(q, "us-east-1")));
        Assert.Equal(
            (2, 3, $"{Id("eu_default")} has 3 of 200 subnets", 0, (string?)null, 2.0, world.RootElement.GetProperty("eu_snapshots_before").GetInt32()),
            (Used(VpcsCounter.Vpcs, "eu-west-1"), Used(SubnetsCounter.SubnetsPerVpc, "eu-west-1"), Fullest(SubnetsCounter.SubnetsPerVpc, "eu-west-1"),
                Used(NatGatewaysCounter.NatGatewaysPerZone, "eu-west-1"), Fullest(NatGatewaysCounter.NatGatewaysPerZone, "eu-west-1"),
                Used(Gp3StorageCounter.Gp3Storage, "eu-west-1"), Used(SnapshotsCounter.Snapshots, "eu-west-1")));
        Assert.All(reading.ObservedBy.Values, kind => Assert.Equal(UsageSourceKind.DescribeCount, kind));
        // DescribeSubnets once per Region though two counters need it; no DescribeSubnets for NAT gateways in eu-west-1, which has none.
        Assert.Equal(
            ["us-east-1 DescribeAddresses", "us-east-1 DescribeInternetGateways", "us-east-1 DescribeNatGateways", "us-east-1 DescribeNetworkInterfaces",
                "us-east-1 DescribeRouteTables", "us-east-1 DescribeSecurityGroups", "us-east-1 DescribeSnapshots", "us-east-1 DescribeSubnets",
                "us-east-1 DescribeVolumes", "us-east-1 DescribeVpcs"],
            calls.Seen.Where(c => c.StartsWith("us-east-1", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(10, calls.Seen.Count(c => c.StartsWith("eu-west-1", StringComparison.Ordinal)));
    }

    /// <summary>Records each request as "{region} {Action}" (query protocol: the form's Action; the Region from the signature's scope).</summary>
    private sealed partial class OperationLog(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public List<string> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var region = Scope().Match(request.Headers.TryGetValues("Authorization", out var auth) ? string.Join(' ', auth) : "").Groups[1].Value;
            lock (Seen) Seen.Add($"{region} {Action().Match(body).Groups[1].Value}");
            return await base.SendAsync(request, cancellationToken);
        }

        [GeneratedRegex(@"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")]
        private static partial Regex Scope();

        [GeneratedRegex(@"(?:^|&)Action=([A-Za-z]+)")]
        private static partial Regex Action();
    }
}
