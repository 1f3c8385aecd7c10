namespace QuotaAutomation.Core.Fleet.Costs;

/// <summary>
/// One list price: US dollars per <paramref name="Unit"/> of <paramref name="Item"/> (a <see cref="BillItems"/> name),
/// with the page it was read from and when. <paramref name="Assumed"/> is true where no page gave the figure.
/// </summary>
public sealed record Price(string Item, double UsdPerUnit, string Unit, string Source, string Checked, bool Assumed, string? Note = null);
