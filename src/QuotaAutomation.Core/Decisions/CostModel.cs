using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Decisions;

/// <summary>
/// A rough monthly cost of raising a quota: the added units × a per-unit hourly price × hours per month, assuming
/// the new headroom is used. Prices are per service code; the defaults are the seed's (EC2 $0.10 and RDS $0.20 per
/// unit-hour, Lambda $0.0000002, S3 $0.023, anything else $0.01), replaceable by a price table.
/// </summary>
public sealed record CostModel(IReadOnlyDictionary<string, double> UsdPerUnitHour, double DefaultUsdPerUnitHour, double HoursPerMonth)
{
    public static CostModel SeedDefaults { get; } = new(
        new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
        {
            ["ec2"] = 0.10,
            ["lambda"] = 0.0000002,
            ["rds"] = 0.20,
            ["s3"] = 0.023,
        },
        DefaultUsdPerUnitHour: 0.01,
        HoursPerMonth: 720);

    public double PricePerUnitHour(string serviceCode) =>
        UsdPerUnitHour.TryGetValue(serviceCode, out var price) ? price : DefaultUsdPerUnitHour;

    /// <summary>Monthly USD of going from <paramref name="current"/> to <paramref name="desired"/>; never negative.</summary>
    public double MonthlyCost(QuotaKey quota, double current, double desired)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return Math.Max(0, desired - current) * PricePerUnitHour(quota.ServiceCode) * HoursPerMonth;
    }
}
