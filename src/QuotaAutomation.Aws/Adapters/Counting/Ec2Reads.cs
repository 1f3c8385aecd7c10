using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// How the EC2 counters read (AWSSDK.EC2): through the scope's account and Region client, every page followed by the
/// SDK's paginators at the largest page the operation allows, SDK errors turned into <see cref="AwsServiceException"/>s
/// that name the operation and AWS's error code (<c>DescribeVpcs: UnauthorizedOperation: …</c>).
/// </summary>
internal static class Ec2Reads
{
    /// <summary>The largest <c>MaxResults</c> of most EC2 describe operations (botocore ec2 2016-11-15); DescribeRouteTables allows 100.</summary>
    public const int MaxPage = 1000;

    public static IAmazonEC2 Ec2(this CounterScope scope) => scope.Clients.AmazonEc2(scope.Probe("ec2"));

    /// <summary>Every item of every page.</summary>
    public static async Task<List<T>> AllAsync<T>(string operation, IAsyncEnumerable<T> items, CancellationToken ct)
    {
        var all = new List<T>();
        try
        {
            await foreach (var item in items.WithCancellation(ct)) all.Add(item);
        }
        catch (AmazonServiceException e)
        {
            throw AwsServiceException.Create(e.ErrorCode ?? "UnknownError", e.Message, e.StatusCode, operation, e.RequestId);
        }
        return all;
    }

    /// <summary>One call of an operation that answers in one page (DescribeAddresses).</summary>
    public static async Task<T> OneAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(ct);
        }
        catch (AmazonServiceException e)
        {
            throw AwsServiceException.Create(e.ErrorCode ?? "UnknownError", e.Message, e.StatusCode, operation, e.RequestId);
        }
    }

    /// <summary>The Region's subnets, read once per scope: subnets per VPC count them, NAT gateways per Availability Zone place gateways by them.</summary>
    public static Task<List<Subnet>> SubnetsAsync(CounterScope scope, CancellationToken ct) => scope.Once("ec2:DescribeSubnets", () =>
        AllAsync("DescribeSubnets", scope.Ec2().Paginators.DescribeSubnets(new DescribeSubnetsRequest { MaxResults = MaxPage }).Subnets, ct));
}
