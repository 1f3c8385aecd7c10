namespace QuotaAutomation.Core.Fleet;

/// <summary>A fleet run's work: one shard per (account, Region) some rule governs, what was skipped, and where rules overlap.</summary>
public sealed record FleetPlan(IReadOnlyList<FleetShard> Shards, IReadOnlyList<SkippedAccount> Skipped, IReadOnlyList<RuleOverlap> Overlaps)
{
    public int Accounts => Shards.Select(s => s.AccountId).Distinct(StringComparer.Ordinal).Count();
}

/// <summary>An account no shard runs for, and why (suspended, closed, not in the organization).</summary>
public sealed record SkippedAccount(string AccountId, string Name, string Reason);

/// <summary>
/// Two rules that both apply to the same quota in the same (account, Region) cells: <paramref name="Winner"/> governs
/// them (the more specific; on a <paramref name="Tie"/>, the first rule id). <paramref name="Cells"/> counts them.
/// </summary>
public sealed record RuleOverlap(string Winner, string Loser, string ServiceCode, string QuotaCode, bool Tie, int Cells, string ExampleAccount, string ExampleRegion)
{
    public override string ToString() => Tie
        ? $"rules '{Winner}' and '{Loser}' are equally specific for {ServiceCode}/{QuotaCode} in {Cells} account-Region(s) (e.g. {ExampleAccount} {ExampleRegion}): '{Winner}' wins by rule id; make one more specific"
        : $"rule '{Winner}' overrides '{Loser}' for {ServiceCode}/{QuotaCode} in {Cells} account-Region(s) (e.g. {ExampleAccount} {ExampleRegion}): it is more specific";
}
