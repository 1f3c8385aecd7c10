namespace QuotaAutomation.Core.Rules;

/// <summary>
/// An attribute value an adapter could read but not turn into a string, number, bool, list or map (a DynamoDB binary or
/// set, a YAML value that contains itself). The parser rejects it in any rule attribute, naming the field and
/// <see cref="What"/>, instead of reading it as missing and running the rule on defaults.
/// </summary>
/// <param name="What">What was found, for the message, e.g. "a DynamoDB string set (SS)".</param>
public sealed record UnsupportedValue(string What);
