using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Decisions;

public class SizingTests
{
    private static readonly QuotaKey Key = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaRule Rule = QuotaRule.WithDefaults("r", Key, AutomationLevel.FullAuto);

    [Theory]
    [InlineData(256, 200, Severity.Critical, 384)]   // 1.5 × 256 = 384 beats 200 / 0.7 = 285.7
    [InlineData(256, 300, Severity.Critical, 429)]   // 300 / 0.7 = 428.6 → 429 beats 384
    [InlineData(256, 180, Severity.Warning, 308)]    // 1.2 × 256 = 307.2 → 308
    [InlineData(256, 250, Severity.Emergency, 512)]  // 2 × 256
    [InlineData(5, 4.9, Severity.Emergency, 10)]
    [InlineData(256, 230, Severity.Critical, 384)]   // docs/rules.md, sizing table rows 1-3
    [InlineData(256, 300, Severity.Emergency, 512)]
    [InlineData(50, 36, Severity.Warning, 60)]
    [InlineData(500, 700, Severity.Emergency, 1000)] // 700 / 0.7 = 1000.0000000000001 in floating point: still 1000
    public void DesiredValue_CountQuota_IsTheLargerOfMultipleAndForecastRoundedUp(double quota, double peak, Severity band, double expected)
    {
        var info = new QuotaInfo(Key, "vCPUs", quota, true, "None");

        Assert.Equal(expected, Sizing.DesiredValue(Rule, info, peak, band));
    }

    [Fact]
    public void DesiredValue_NonCountQuota_RoundsUpToCents()
    {
        var info = new QuotaInfo(Key, "storage", 10, true, "Gigabytes");

        Assert.Equal(12.86, Sizing.DesiredValue(Rule, info, 9, Severity.Warning)); // 9 / 0.7 = 12.857…
    }

    [Fact]
    public void DesiredValue_NeverAboveTheRuleCap()
    {
        var info = new QuotaInfo(Key, "vCPUs", 8000, true, "None");

        Assert.Equal(10_000, Sizing.DesiredValue(Rule, info, 7900, Severity.Emergency));
    }

    [Fact]
    public void MonthlyCost_IsIncrementTimesUnitPriceTimesHours()
    {
        Assert.Equal(128 * 0.048 * 720, CostModel.SeedDefaults.MonthlyCost(Key, 256, 384), 6); // vCPU-hours
        Assert.Equal(0, CostModel.SeedDefaults.MonthlyCost(Key, 256, 200));
        Assert.Equal(10 * 0.01 * 720, CostModel.SeedDefaults.MonthlyCost(new QuotaKey("vpc", "L-F678F1CE", "us-east-1"), 5, 15), 6);
    }

    [Fact]
    public void DocsPriceTable_IsTheDefaultPrices_WithTheirUnits()
    {
        var docs = File.ReadAllText(Path.Combine(Testing.Repository.Root, "docs", "rules.md"));
        var rows = docs.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal) && l.Split('|').Length == 6)
            .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => double.TryParse(c[2], System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(c => (Key: c[1].Trim('`'), Price: double.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture), Unit: c[3]));

        Assert.Equal(CostModel.DefaultPrices.Select(p => (p.Key, p.UsdPerUnitHour, p.Unit)), rows);
    }
}
