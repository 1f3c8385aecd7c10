namespace QuotaAutomation.Core.Rules;

/// <summary>
/// A rule as a person typed it: attribute name → value, where a value is a string, a number, a bool or null
/// (adapters turn DynamoDB <c>S</c>/<c>N</c>/<c>BOOL</c>/<c>NULL</c> and JSON/YAML scalars into these;
/// lists and maps arrive as themselves and are rejected by the parser).
/// </summary>
/// <param name="Origin">Where the item came from, to name it when it has no usable <c>rule_id</c> (e.g. "rules.yaml entry 3").</param>
public sealed record RawRule(string Origin, IReadOnlyDictionary<string, object?> Attributes);
