using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Testing;
using Xunit;

namespace QuotaAutomation.Core.Tests.Fleet.Costs;

public class FleetBillTests
{
    private static readonly PriceList Prices = new("us-east-1", [.. BillItems.Priced.Select(item => item switch
    {
        BillItems.LambdaRequests => new Price(item, 0.0000002, "request", "test", "2026-11-30", false),
        BillItems.LambdaGbSeconds => new Price(item, 0.0000166667, "GB-second", "test", "2026-11-30", false),
        BillItems.DynamoDbWriteRequestUnits => new Price(item, 0.000000625, "WRU", "test", "2026-11-30", false),
        BillItems.CloudWatchMetricsRequested => new Price(item, 0.00001, "metric", "test", "2026-11-30", false),
        BillItems.ServiceQuotasRequests => new Price(item, 0, "request", "test", "2026-11-30", true),
        _ => new Price(item, 1, "unit", "test", "2026-11-30", false),
    })]);

    [Fact]
    public void Compute_SmallFleetEveryFiveMinutes_IsTheHandComputedSum()
    {
        // 8,640 cycles in 30 days: 10 invocations → 86,400 × $0.0000002 = $0.01728; 4 GB-s → 34,560 × $0.0000166667 =
        // $0.576001152; 1,000 WRU → 8,640,000 × $0.000000625 = $5.40; 500 metrics → 4,320,000 × $0.00001 = $43.20.
        var perCycle = new Dictionary<string, double>
        {
            [BillItems.LambdaRequests] = 10,
            [BillItems.LambdaGbSeconds] = 4,
            [BillItems.DynamoDbWriteRequestUnits] = 1000,
            [BillItems.CloudWatchMetricsRequested] = 500,
            [BillItems.ServiceQuotasRequests] = 300,
        };

        var bill = FleetBill.Compute(perCycle, TimeSpan.FromMinutes(5), Prices);

        Assert.Equal(8640, bill.CyclesPerMonth);
        Assert.Equal(0.01728, bill.Lines.Single(l => l.Item == BillItems.LambdaRequests).Usd, 9);
        Assert.Equal(0.576001152, bill.Lines.Single(l => l.Item == BillItems.LambdaGbSeconds).Usd, 9);
        Assert.Equal(5.40, bill.Lines.Single(l => l.Item == BillItems.DynamoDbWriteRequestUnits).Usd, 9);
        Assert.Equal(43.20, bill.Lines.Single(l => l.Item == BillItems.CloudWatchMetricsRequested).Usd, 9);
        Assert.Equal(2_592_000, bill.Lines.Single(l => l.Item == BillItems.ServiceQuotasRequests).Quantity);
        Assert.Equal(49.193281152, bill.TotalUsd, 9);
    }

    [Fact]
    public void Compute_IsTheSumOfItsLines_AndListsEveryItemOnce()
    {
        var bill = FleetBill.Compute(BillItems.All.ToDictionary(i => i, _ => 2.0), TimeSpan.FromHours(1), Prices);

        Assert.Equal(BillItems.All, bill.Lines.Select(l => l.Item));
        Assert.Equal(bill.Lines.Sum(l => l.Quantity * l.UsdPerUnit), bill.TotalUsd, 9);
        Assert.Equal(720, bill.CyclesPerMonth);
    }

    [Fact]
    public void Compute_ADaysQuantities_OverTheAverageMonth_Are30Point4375Days()
    {
        var bill = FleetBill.Compute(new Dictionary<string, double> { [BillItems.LambdaRequests] = 1_000_000 }, TimeSpan.FromDays(1), Prices, FleetBill.AverageMonth);

        Assert.Equal(30.4375, bill.CyclesPerMonth, 9);
        Assert.Equal(30_437_500, bill.Lines.Single(l => l.Item == BillItems.LambdaRequests).Quantity, 6);
    }

    [Fact]
    public void Compute_UnknownItem_IsRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => FleetBill.Compute(new Dictionary<string, double> { ["ec2.hours"] = 1 }, TimeSpan.FromMinutes(5), Prices));

        Assert.Equal("not bill items: ec2.hours (Parameter 'perCycle')", e.Message);
    }

    [Theory]
    [InlineData(1500.2, 512, 0.7505)] // rounded up to 1,501 ms × 0.5 GB
    [InlineData(0, 512, 0)]
    [InlineData(1000, 1024, 1)]
    public void LambdaGbSeconds_RoundsUpToAMillisecond(double ms, int memoryMb, double expected) =>
        Assert.Equal(expected, BillingUnits.LambdaGbSeconds(TimeSpan.FromMilliseconds(ms), memoryMb), 9);

    [Theory]
    [InlineData(250, 64, 0.01875)] // 300 ms × 64 MB
    [InlineData(250, 100, 0.0375)] // 300 ms × two 64-MB chunks
    [InlineData(100, 64, 0.00625)]
    public void ExpressGbSeconds_RoundsUpTo100MsAnd64MbChunks(double ms, int memoryMb, double expected) =>
        Assert.Equal(expected, BillingUnits.ExpressGbSeconds(TimeSpan.FromMilliseconds(ms), memoryMb), 9);

    [Theory]
    [InlineData(241_920, false, 30)] // 4,032 samples of 60 bytes: 60 × 4 KB, eventually consistent
    [InlineData(241_920, true, 60)]
    [InlineData(0, false, 0.5)] // an empty Query still costs the minimum
    [InlineData(4096, true, 1)]
    public void DynamoReadUnits_Per4KbOfTheWholeResult(long bytes, bool consistent, double expected) =>
        Assert.Equal(expected, BillingUnits.DynamoReadUnits(bytes, consistent));

    [Theory]
    [InlineData(100, 1)]
    [InlineData(1024, 1)]
    [InlineData(1025, 2)]
    public void DynamoWriteUnits_Per1KbOfEachItem(long bytes, double expected) =>
        Assert.Equal(expected, BillingUnits.DynamoWriteUnits(bytes));

    [Fact]
    public void Parse_TheBundledPriceList_HasEveryItemWithASourceAndADate()
    {
        var path = Path.Combine(Repository.Root, "src", "QuotaAutomation.Cli", "Fleet", "aws-list-prices.json");

        var prices = PriceList.Parse(File.ReadAllText(path), "aws-list-prices.json");

        Assert.Null(prices.Error);
        Assert.Equal(BillItems.Priced.Order(), prices.Value.Prices.Select(p => p.Item).Order());
        Assert.All(prices.Value.Prices, p => Assert.False(string.IsNullOrWhiteSpace(p.Source)));
        Assert.All(prices.Value.Prices.Where(p => p.Assumed), p => Assert.StartsWith("assumed", p.Source, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BadEntries_NamesEveryProblem()
    {
        const string json = """
            {"prices": [
              {"item": "lambda.requests", "usd_per_unit": -1, "source": "x", "checked": "2026-11-30"},
              {"item": "ec2.hours", "usd_per_unit": 1, "source": "x", "checked": "2026-11-30"},
              {"item": "sns.publishes", "usd_per_unit": 1, "checked": "30/11/2026"}
            ]}
            """;

        var prices = PriceList.Parse(json, "prices.json");

        Assert.Equal("prices.json: prices[0] (lambda.requests).usd_per_unit must be a number ≥ 0; prices[1].item 'ec2.hours' must be one of "
            + string.Join(", ", BillItems.Priced) + "; prices[2] (sns.publishes).source must name the page the price was read from; "
            + "prices[2] (sns.publishes).checked must be the date it was read, yyyy-MM-dd; "
            + string.Join("; ", BillItems.Priced.Where(i => i != BillItems.SnsPublishes).Select(i => $"'{i}' has no price")), prices.Error);
    }
}
