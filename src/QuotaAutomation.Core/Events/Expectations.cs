using System.Globalization;
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
    /// <summary>Services whose quotas a scale-up of the key service also consumes (seed, Example 2).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DependentServices = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
    {
        ["ec2"] = ["vpc", "ebs", "elasticloadbalancing"],
        ["ecs"] = ["ec2", "elasticloadbalancing", "logs"],
        ["lambda"] = ["logs"],
        ["rds"] = ["vpc", "kms"],
    };

    /// <summary>A dependent service's quota is raised only when it is already this full.</summary>
    public const double DependentMinUtilization = 60;

    /// <summary>Scale-up of <paramref name="service"/> in <paramref name="region"/> by <paramref name="factor"/>: its quotas, and its dependents' above 60 %.</summary>
    public static IReadOnlyDictionary<QuotaKey, Expectation> ScaleUp(string service, string region, double factor, IEnumerable<QuotaKey> governed)
    {
        ArgumentNullException.ThrowIfNull(governed);
        var dependents = DependentServices.GetValueOrDefault(service) ?? [];
        var expectations = new Dictionary<QuotaKey, Expectation>();
        foreach (var key in governed.Where(k => k.Region == region))
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{service} scaling up ×{factor:0.##} in {region}");
            if (string.Equals(key.ServiceCode, service, StringComparison.OrdinalIgnoreCase))
                expectations[key] = new Expectation(factor, 0, null, text);
            else if (dependents.Contains(key.ServiceCode, StringComparer.OrdinalIgnoreCase))
                expectations[key] = new Expectation(factor, DependentMinUtilization, null, $"{text} (dependent service, above {DependentMinUtilization:0}%)");
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
