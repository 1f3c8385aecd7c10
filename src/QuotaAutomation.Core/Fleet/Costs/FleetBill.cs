namespace QuotaAutomation.Core.Fleet.Costs;

/// <summary>One line of a bill: a quantity a month at a list price.</summary>
public sealed record BillLine(string Item, double Quantity, string Unit, double UsdPerUnit, double Usd, bool Assumed);

/// <summary>
/// The monthly AWS bill of running the fleet at list prices: each <see cref="BillItems"/> quantity of one fleet cycle,
/// times the cycles in a month, times its price. Free tiers and volume tiers are not applied (a fleet this size is
/// past them), so the bill is an upper bound for the first tier's prices.
/// </summary>
public sealed record FleetBill(IReadOnlyList<BillLine> Lines, double CyclesPerMonth)
{
    /// <summary>A month as the issue counts it: 30 days, so one cycle every 5 minutes is 8,640 cycles.</summary>
    public static readonly TimeSpan Month = TimeSpan.FromDays(30);

    /// <summary>A calendar month on average (365.25 ÷ 12 days): what a simulated day is scaled by.</summary>
    public static readonly TimeSpan AverageMonth = TimeSpan.FromDays(365.25 / 12);

    public double TotalUsd => Lines.Sum(l => l.Usd);

    /// <param name="perCycle">Quantities of one fleet cycle (or of <paramref name="cycleEvery"/>'s span) by <see cref="BillItems"/> name; an item not given is 0.</param>
    /// <param name="cycleEvery">How often a fleet cycle starts (the schedule), or the span the quantities were counted over.</param>
    /// <param name="month">The month the bill is for: <see cref="Month"/> unless given.</param>
    public static FleetBill Compute(IReadOnlyDictionary<string, double> perCycle, TimeSpan cycleEvery, PriceList prices, TimeSpan? month = null)
    {
        ArgumentNullException.ThrowIfNull(perCycle);
        ArgumentNullException.ThrowIfNull(prices);
        if (cycleEvery <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(cycleEvery), cycleEvery, "a cycle interval must be positive");
        var unknown = perCycle.Keys.Where(k => !BillItems.All.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"not bill items: {string.Join(", ", unknown)}", nameof(perCycle));
        var cycles = (month ?? Month) / cycleEvery;
        var lines = BillItems.All.Select(item =>
        {
            var price = prices.For(item);
            var quantity = perCycle.GetValueOrDefault(item) * cycles;
            return new BillLine(item, quantity, price.Unit, price.UsdPerUnit, quantity * price.UsdPerUnit, price.Assumed);
        }).ToList();
        return new FleetBill(lines, cycles);
    }
}
