using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Local.Catalog;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>What the registry of counters promises as a whole (each counter has its own tests).</summary>
public class QuotaCountersTests
{
    [Fact]
    public void EveryServedQuota_IsInTheCatalog_UnderItsServiceCode()
    {
        var catalog = QuotaCatalog.All.Select(q => (q.ServiceCode, q.QuotaCode)).ToHashSet();

        var unknown = QuotaCounters.All.SelectMany(c => c.Serves.Select(q => $"{c.Name}: {q.ServiceCode}/{q.QuotaCode}"))
            .Where(s => !catalog.Contains((s.Split(": ")[1].Split('/')[0], s.Split('/')[^1])));

        Assert.Empty(unknown);
    }

    [Fact]
    public void NoQuota_IsServedByTwoCounters()
    {
        var twice = QuotaCounters.All.SelectMany(c => c.Serves.Select(q => (q.ServiceCode, q.QuotaCode))).GroupBy(q => q).Where(g => g.Count() > 1).Select(g => g.Key);

        Assert.Empty(twice);
    }
}
