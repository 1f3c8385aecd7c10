using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Ports;

/// <summary>Where rules live (DynamoDB, SQLite). Returns items as typed, unvalidated: the engine parses each on its own.</summary>
public interface IRuleStore
{
    Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct);
}
