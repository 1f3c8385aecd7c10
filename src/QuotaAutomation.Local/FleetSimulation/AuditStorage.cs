using QuotaAutomation.Core.Fleet.Costs;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// The audit table's storage once the fleet has run as long as records live: a day's audit writes (items and index
/// entries, each with DynamoDB's 100 bytes; <see cref="DynamoItemSizes.AuditStored"/>) times the retention, priced at the
/// storage price. Shown beside the bill, not in it: storage is not in the list of billed items. An upper bound
/// for the first tier's price (the first 25 GB a month are free) and a lower one for the days TTL takes to delete an
/// expired item.
/// </summary>
/// <param name="BytesADay">Bytes the audit writes of one day of steady cycles add.</param>
public sealed record AuditStorage(double BytesADay, TimeSpan Retention, Price Price)
{
    /// <summary>How long audit records live: the audit table's TTL (the AWS backend's <c>AuditRetention</c>, 365 days).</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(365);

    /// <summary>A GB as DynamoDB bills storage: 2^30 bytes.</summary>
    private const double Gb = 1024.0 * 1024 * 1024;

    public double SteadyStateGb => BytesADay * Retention.TotalDays / Gb;

    public double UsdPerMonth => SteadyStateGb * Price.UsdPerUnit;

    /// <summary>The storage the day's steady-cycle audit writes keep (<see cref="ApiCall.StoredBytes"/>), scaled to 24 hours.</summary>
    public static AuditStorage Of(FleetDay day, DayCount count, int hours, PriceList prices)
    {
        ArgumentNullException.ThrowIfNull(day);
        ArgumentNullException.ThrowIfNull(count);
        ArgumentNullException.ThrowIfNull(prices);
        var bytes = Enumerable.Range(0, day.Work.Count).Sum(w => count.Occurrences[w] * (double)day.Work[w].Run.Calls.Sum(c => c.Call.Table == "audit" ? c.Call.StoredBytes : 0));
        return new AuditStorage(bytes * 24 / Math.Max(1, hours), DefaultRetention, prices.For(BillItems.DynamoDbStorageGbMonths));
    }
}
