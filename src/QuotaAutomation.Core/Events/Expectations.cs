using System.Globalization;
using QuotaAutomation.Core.Dependencies;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Events;

/// <summary>
/// What an event says usage of one quota is about to be, beyond what its history shows: the current usage times
/// <paramref name="Multiplier"/>, plus the current usage of <paramref name="AddUsageOf"/> (another Region's quota taking
/// over its traffic), plus <paramref name="AddUnits"/> (what a deployment is about to create). It only applies when the
/// quota's utilisation is at least <paramref name="MinUtilizationPercent"/>. The engine raises the rule's forecast peak
/// to it, so every rule of the decision table still applies.
/// </summary>
/// <param name="AtLeast">A floor on the expected usage, whatever the current usage (failover parity: the primary's peak × factor).</param>
public sealed record Expectation(double Multiplier, double MinUtilizationPercent, QuotaKey? AddUsageOf, string Reason, double AddUnits = 0, double AtLeast = 0)
{
    public double ExpectedUsage(double currentUsage, double? otherUsage) => Math.Max(AtLeast, currentUsage * Multiplier + (otherUsage ?? 0) + AddUnits);
}

/// <summary>
/// Pure handlers for the infrastructure events (seed, Example 2): which governed quotas an event concerns and what
/// usage it expects of each.
/// </summary>
public static class EventExpectations
{
    /// <summary>A dependent quota's expectation applies only when it is already this full (the rest of its usage may not grow with the service).</summary>
    public const double DependentMinUtilization = 60;

    /// <summary>
    /// Scale-up of <paramref name="service"/> in <paramref name="region"/> by <paramref name="factor"/>: its governed quotas,
    /// and the governed quotas its quotas' growth consumes (<paramref name="dependencies"/>, the shipped map by default) once
    /// they are 60 % full. The engine then checks the dependents of each increase it decides as for any increase.
    /// </summary>
    public static IReadOnlyDictionary<QuotaKey, Expectation> ScaleUp(string service, string region, double factor, IEnumerable<QuotaKey> governed,
        QuotaDependencies? dependencies = null)
    {
        ArgumentNullException.ThrowIfNull(governed);
        var map = dependencies ?? QuotaDependencies.Default;
        var expectations = new Dictionary<QuotaKey, Expectation>();
        foreach (var key in governed.Where(k => k.Region == region))
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{service} scaling up ×{factor:0.##} in {region}");
            var consumedBy = map.Consuming(key.ServiceCode, key.QuotaCode)
                .Where(e => string.Equals(e.FromService, service, StringComparison.OrdinalIgnoreCase)).Select(e => e.From).ToList();
            if (string.Equals(key.ServiceCode, service, StringComparison.OrdinalIgnoreCase))
                expectations[key] = new Expectation(factor, 0, null, text);
            else if (consumedBy.Count > 0)
                expectations[key] = new Expectation(factor, DependentMinUtilization, null,
                    $"{text} (consumed by {string.Join(", ", consumedBy)}; above {DependentMinUtilization:0}%)");
        }
        return expectations;
    }

    /// <summary>
    /// Failover from <paramref name="source"/> to <paramref name="target"/>: each governed quota in the target Region
    /// must also carry the usage of the same quota in the source Region (when that one is governed too, so its usage is read).
    /// </summary>
    public static IReadOnlyDictionary<QuotaKey, Expectation> Failover(string source, string target, IReadOnlyCollection<string>? services, IEnumerable<QuotaKey> governed)
    {
        ArgumentNullException.ThrowIfNull(governed);
        var keys = governed.ToHashSet();
        return keys
            .Where(k => k.Region == target && (services is null || services.Contains(k.ServiceCode, StringComparer.OrdinalIgnoreCase)))
            .Select(k => (Target: k, Source: k with { Region = source }))
            .Where(p => keys.Contains(p.Source))
            .ToDictionary(p => p.Target, p => new Expectation(1, 0, p.Source, $"failover from {source}: {target} must also carry {p.Source}'s usage"));
    }
}
