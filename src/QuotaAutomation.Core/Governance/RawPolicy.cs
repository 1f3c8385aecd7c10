namespace QuotaAutomation.Core.Governance;

/// <summary>A policy as a person typed it (a DynamoDB item, a JSON or YAML entry): attribute name → value, as <see cref="Rules.RawRule"/>.</summary>
/// <param name="Origin">Where the item came from, to name it when it has no usable <c>policy_id</c> (e.g. "policies.yaml entry 3").</param>
public sealed record RawPolicy(string Origin, IReadOnlyDictionary<string, object?> Attributes);
