namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// Replies, in the real wire shape (checked against the botocore model named on each), for the counters' operations that
/// moto 5.2.1 does not implement. Keyed by the request's signing host prefix and operation (<c>("rds", "DescribeAccountAttributes")</c>);
/// a test's transport answers these here and sends everything else to moto. Used by each counter's own tests and by the
/// call-count benchmark over every counter (docs/benchmarks.md).
/// </summary>
public static partial class WireFakes
{
    /// <summary>Every fake: (endpoint prefix, operation) → a reply for the request's account and Region.</summary>
    public static Dictionary<(string EndpointPrefix, string Operation), Func<HttpRequestMessage, HttpResponseMessage>> All { get; } = Build();

    private static Dictionary<(string EndpointPrefix, string Operation), Func<HttpRequestMessage, HttpResponseMessage>> Build()
    {
        var all = new Dictionary<(string EndpointPrefix, string Operation), Func<HttpRequestMessage, HttpResponseMessage>>();
        AddLimits(all); // WireFakes.Limits.cs
        return all;
    }
}
