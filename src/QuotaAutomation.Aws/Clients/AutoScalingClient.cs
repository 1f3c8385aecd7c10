namespace QuotaAutomation.Aws.Clients;

// Amazon EC2 Auto Scaling over its query protocol (botocore autoscaling 2011-01-01, signing name autoscaling), the one
// operation the usage counters call, named as in AWSSDK.AutoScaling (not served here) except the reply, named as botocore's shape (CloudFormation has an operation of the same name).

public sealed record DescribeAccountLimitsAnswer(long? MaxNumberOfAutoScalingGroups, long? MaxNumberOfLaunchConfigurations,
    long? NumberOfAutoScalingGroups, long? NumberOfLaunchConfigurations);

/// <summary>Amazon EC2 Auto Scaling.</summary>
public sealed class AutoScalingClient(AwsClientOptions options) : IDisposable
{
    private const string Version = "2011-01-01";
    private readonly AwsTransport _transport = new(options, "autoscaling", "autoscaling");

    /// <summary>The Region's group and launch configuration counts and limits, in one call.</summary>
    public async Task<DescribeAccountLimitsAnswer> DescribeAccountLimitsAsync(CancellationToken ct)
    {
        const string operation = "DescribeAccountLimits";
        var result = (await _transport.QueryAsync(Version, operation, [], ct)).Result(operation);
        return new DescribeAccountLimitsAnswer(result.Count("MaxNumberOfAutoScalingGroups", operation), result.Count("MaxNumberOfLaunchConfigurations", operation),
            result.Count("NumberOfAutoScalingGroups", operation), result.Count("NumberOfLaunchConfigurations", operation));
    }

    public void Dispose() => _transport.Dispose();
}
