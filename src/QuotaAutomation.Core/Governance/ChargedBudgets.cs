namespace QuotaAutomation.Core.Governance;

/// <summary>
/// What an increase was charged before it was filed: the same <paramref name="Cost"/> to each budget of
/// <paramref name="Keys"/> in <paramref name="Month"/>. Kept on the increase so that one that is then not filed gives
/// the charges back.
/// </summary>
public sealed record ChargedBudgets(string Month, double Cost, IReadOnlyList<string> Keys);
