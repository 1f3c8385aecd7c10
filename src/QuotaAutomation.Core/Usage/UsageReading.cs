using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Usage;

/// <summary>
/// What one usage read found (<see cref="Ports.IUsageSource.ReadAsync"/>): the samples per quota, and what a decision
/// should say besides them.
/// </summary>
/// <param name="Samples">Samples per quota in time order; a quota nothing observed is absent.</param>
public sealed record UsageReading(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> Samples)
{
    /// <summary>Per-resource quotas: the resource whose usage is the quota's (<see cref="CountScope.Resource"/>).</summary>
    public IReadOnlyDictionary<QuotaKey, FullestResource> Fullest { get; init; } = new Dictionary<QuotaKey, FullestResource>();

    /// <summary>Quotas whose metric and count disagree beyond <see cref="UsageMismatch.Tolerance"/>: audited, the metric used.</summary>
    public IReadOnlyList<UsageMismatch> Mismatches { get; init; } = [];

    /// <summary>
    /// Quotas a source serves but could not read this cycle, and why (<c>ec2:DescribeSubnets: UnauthorizedOperation</c>):
    /// their rules decide on stored history, or fail naming this instead of "no usage source".
    /// </summary>
    public IReadOnlyDictionary<QuotaKey, string> Failures { get; init; } = new Dictionary<QuotaKey, string>();

    /// <summary>How each quota in <see cref="Samples"/> was observed.</summary>
    public IReadOnlyDictionary<QuotaKey, UsageSourceKind> ObservedBy { get; init; } = new Dictionary<QuotaKey, UsageSourceKind>();

    public static UsageReading Of(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples) => new(samples);

    /// <summary>Readings of disjoint quota sets (one per account and Region, one per source) as one; a later reading wins a key both hold.</summary>
    public static UsageReading Merge(IEnumerable<UsageReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var (samples, fullest, failures, observed) = (new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>(), new Dictionary<QuotaKey, FullestResource>(),
            new Dictionary<QuotaKey, string>(), new Dictionary<QuotaKey, UsageSourceKind>());
        var mismatches = new List<UsageMismatch>();
        foreach (var reading in readings)
        {
            foreach (var (key, value) in reading.Samples) samples[key] = value;
            foreach (var (key, value) in reading.Fullest) fullest[key] = value;
            foreach (var (key, value) in reading.Failures) failures[key] = value;
            foreach (var (key, value) in reading.ObservedBy) observed[key] = value;
            mismatches.AddRange(reading.Mismatches);
        }
        return new(samples) { Fullest = fullest, Failures = failures, ObservedBy = observed, Mismatches = mismatches };
    }
}
