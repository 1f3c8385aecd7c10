using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Decisions;

/// <summary>
/// A rough monthly cost of raising a quota: the added units × the price of one unit-hour × hours per month, assuming
/// the new headroom is used. A price is looked up for the quota (<c>service/QuotaCode</c>), then its service, then the
/// default; every default says which unit of the quota it prices (<see cref="DefaultPrices"/>, docs/rules.md), so a
/// quota counted in concurrent executions is not priced per request. A price table can replace any of them.
/// </summary>
public sealed record CostModel(IReadOnlyDictionary<string, double> UsdPerUnitHour, double DefaultUsdPerUnitHour, double HoursPerMonth)
{
    /// <summary>The default unit prices: us-east-1, On-Demand, Linux, x86, read from AWS's pricing pages (2026-11).</summary>
    public static IReadOnlyList<UnitPrice> DefaultPrices { get; } =
    [
        new("ec2", 0.048, "a vCPU-hour (EC2's On-Demand and Spot quotas count vCPUs)", "m5.large, 2 vCPUs, $0.096 an hour"),
        new("ec2/L-0263D0A3", 0.005, "an Elastic IP address-hour", "public IPv4 address, $0.005 an hour (since 2024-02-01)"),
        new("lambda/L-B99A9384", 0.001875, "a concurrent execution held for an hour",
            "provisioned concurrency, $0.0000041667 per GB-second × 0.125 GB (Lambda's default 128 MB) × 3,600 s"),
        new("rds/L-7B6409FD", 0.171, "a DB instance-hour", "db.m5.large, MySQL, Single-AZ, $0.171 an hour"),
    ];

    /// <summary>The price of a unit of any quota not listed: a placeholder, not a price.</summary>
    public const double DefaultUnitHour = 0.01;

    public static CostModel SeedDefaults { get; } = new(
        DefaultPrices.ToDictionary(p => p.Key, p => p.UsdPerUnitHour, StringComparer.OrdinalIgnoreCase),
        DefaultUsdPerUnitHour: DefaultUnitHour,
        HoursPerMonth: 720);

    /// <summary>
    /// Where each price came from, by the same keys as <see cref="UsdPerUnitHour"/> (<c>*</c> for the default): the Price
    /// List, or the shipped table marked as estimated. Null: not said (the shipped table, as docs/rules.md gives it).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Provenance { get; init; }

    /// <summary>" (source)" to follow a cost estimate of <paramref name="quota"/> in a decision, or "" when the model says nothing of its sources.</summary>
    public string SourceNote(QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        if (Provenance is not { } sources) return "";
        var source = sources.GetValueOrDefault($"{quota.ServiceCode}/{quota.QuotaCode}") ?? sources.GetValueOrDefault(quota.ServiceCode) ?? sources.GetValueOrDefault("*");
        return source is null ? "" : $" ({source})";
    }

    public double PricePerUnitHour(QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return UsdPerUnitHour.TryGetValue($"{quota.ServiceCode}/{quota.QuotaCode}", out var exact) ? exact
            : UsdPerUnitHour.TryGetValue(quota.ServiceCode, out var service) ? service
            : DefaultUsdPerUnitHour;
    }

    /// <summary>Monthly USD of going from <paramref name="current"/> to <paramref name="desired"/>; never negative.</summary>
    public double MonthlyCost(QuotaKey quota, double current, double desired)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return Math.Max(0, desired - current) * PricePerUnitHour(quota) * HoursPerMonth;
    }
}
