using System.Globalization;

namespace QuotaAutomation.Core.Usage;

/// <summary>
/// The fullest resource of a per-resource quota (<see cref="CountScope.Resource"/>): its usage is the quota's usage,
/// and the decision names it, since that resource is where the quota will be hit.
/// </summary>
/// <param name="ResourceId">The resource as AWS names it (<c>vpc-0abc</c>, <c>sg-0123</c>, <c>us-east-1a</c>).</param>
/// <param name="Used">How much of the quota that resource uses.</param>
/// <param name="Counted">What is counted, plural (<c>subnets</c>, <c>rules</c>, <c>NAT gateways</c>).</param>
/// <param name="Resources">How many resources were counted (each is under the same per-resource quota).</param>
public sealed record FullestResource(string ResourceId, double Used, string Counted, int Resources = 1)
{
    /// <summary>"vpc-0abc has 198 of 200 subnets" (the quota's applied value as the "of"); without a value, "vpc-0abc has 198 subnets".</summary>
    public string Describe(double? quotaValue = null) => quotaValue is { } value
        ? string.Create(CultureInfo.InvariantCulture, $"{ResourceId} has {Used:0.##} of {value:0.##} {Counted}")
        : string.Create(CultureInfo.InvariantCulture, $"{ResourceId} has {Used:0.##} {Counted}");
}
