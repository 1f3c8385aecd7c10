using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Amazon EC2 Auto Scaling's quotas from <c>DescribeAccountLimits</c>: groups and launch configurations, each with its
/// limit, in one call per account and Region.
/// </summary>
public sealed class AutoScalingAccountLimitsCounter : IQuotaCounter
{
    private static readonly CountedQuota Groups = new("autoscaling", "L-CDE20ADC", CountScope.Region, "Auto Scaling groups");
    private static readonly CountedQuota LaunchConfigurations = new("autoscaling", "L-6B80B8FA", CountScope.Region, "launch configurations");

    public string Name => "autoscaling:DescribeAccountLimits";

    public UsageSourceKind Kind => UsageSourceKind.AccountLimitApi;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Groups, LaunchConfigurations];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(wanted);
        var limits = await scope.Clients.AutoScaling(scope.Probe("autoscaling")).DescribeAccountLimitsAsync(ct);
        var counts = new List<QuotaCount>();
        if (wanted.Contains(Groups) && limits.NumberOfAutoScalingGroups is { } groups)
            counts.Add(new QuotaCount(Groups, groups, Limit: limits.MaxNumberOfAutoScalingGroups));
        if (wanted.Contains(LaunchConfigurations) && limits.NumberOfLaunchConfigurations is { } configurations)
            counts.Add(new QuotaCount(LaunchConfigurations, configurations, Limit: limits.MaxNumberOfLaunchConfigurations));
        return counts;
    }
}
