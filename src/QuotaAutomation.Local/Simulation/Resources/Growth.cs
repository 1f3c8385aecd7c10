namespace QuotaAutomation.Local.Simulation.Resources;

/// <summary>
/// How many of a resource there are, days after the simulated account's creation: <paramref name="Initial"/> at
/// creation, then one more every 1 / <paramref name="PerDay"/> days (none removed, none before creation).
/// </summary>
public sealed record Growth(int Initial, double PerDay)
{
    /// <param name="phase">In [0, 1): when, within its interval, the next one is created (drawn per resource, so parents do not all grow in step).</param>
    public int At(double days, double phase) => Initial + (int)Math.Floor(Math.Max(0, days) * PerDay + phase);
}
