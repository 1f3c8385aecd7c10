using System.Globalization;
using System.Xml.Linq;

namespace QuotaAutomation.Aws.Clients;

// Elastic Load Balancing v2 over the query protocol (botocore elbv2 2015-12-01: form POST, XML reply), named as in
// AWSSDK.ElasticLoadBalancingV2 (not served here).

/// <summary>A load balancer as a count needs it: its ARN and type (<c>application</c>, <c>network</c> or <c>gateway</c>).</summary>
public sealed record LoadBalancer(string LoadBalancerArn, string Type);

public sealed record DescribeLoadBalancersResponse(IReadOnlyList<LoadBalancer> LoadBalancers, string? NextMarker);

public sealed record DescribeTargetGroupsResponse(IReadOnlyList<string> TargetGroupArns, string? NextMarker);

/// <summary>Elastic Load Balancing v2 (signing name <c>elasticloadbalancing</c>): listing load balancers and target groups, for their Region quotas.</summary>
public sealed class ElasticLoadBalancingV2Client(AwsClientOptions options) : IDisposable
{
    /// <summary>The most items one page may hold (the API reference's maximum <c>PageSize</c>).</summary>
    public const int MaxPageSize = 400;

    private const string Version = "2015-12-01";
    private readonly AwsTransport _transport = new(options, "elasticloadbalancing", "elasticloadbalancing");

    public async Task<DescribeLoadBalancersResponse> DescribeLoadBalancersAsync(string? marker, int pageSize, CancellationToken ct)
    {
        var reply = await _transport.QueryAsync(Version, "DescribeLoadBalancers", Page(marker, pageSize), ct);
        var balancers = Members(reply, "LoadBalancers").Select(m => new LoadBalancer(Child(m, "LoadBalancerArn"), Child(m, "Type"))).ToList();
        return new(balancers, NextMarker(reply));
    }

    public async Task<DescribeTargetGroupsResponse> DescribeTargetGroupsAsync(string? marker, int pageSize, CancellationToken ct)
    {
        var reply = await _transport.QueryAsync(Version, "DescribeTargetGroups", Page(marker, pageSize), ct);
        return new(Members(reply, "TargetGroups").Select(m => Child(m, "TargetGroupArn")).ToList(), NextMarker(reply));
    }

    private static List<KeyValuePair<string, string>> Page(string? marker, int pageSize)
    {
        var form = new List<KeyValuePair<string, string>> { new("PageSize", pageSize.ToString(CultureInfo.InvariantCulture)) };
        if (marker is not null) form.Add(new("Marker", marker));
        return form;
    }

    /// <summary>The <c>member</c> elements of a list in the reply's result (<c>…Result/LoadBalancers/member</c>).</summary>
    private static IEnumerable<XElement> Members(XElement reply, string list) =>
        reply.Descendants().Where(e => e.Name.LocalName == list).Take(1).SelectMany(l => l.Elements().Where(e => e.Name.LocalName == "member"));

    private static string? NextMarker(XElement reply) =>
        reply.Descendants().FirstOrDefault(e => e.Name.LocalName == "NextMarker")?.Value is { Length: > 0 } marker ? marker : null;

    private static string Child(XElement member, string name) => member.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

    public void Dispose() => _transport.Dispose();
}
