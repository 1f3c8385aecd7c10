using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fakes;

/// <summary>Rule items as a person would write them, for tests.</summary>
internal static class TestRules
{
    public static RawRule Item(string ruleId, string service, string quota, string level, params (string Name, object? Value)[] extra)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rule_id"] = ruleId,
            ["service_code"] = service,
            ["quota_code"] = quota,
            ["region"] = "us-east-1",
            ["automation_level"] = level,
        };
        foreach (var (name, value) in extra) attributes[name] = value;
        return new RawRule($"test item '{ruleId}'", attributes);
    }

    public static RawRule Without(RawRule raw, string attribute) =>
        raw with { Attributes = raw.Attributes.Where(a => a.Key != attribute).ToDictionary(a => a.Key, a => a.Value) };

    public static RawRule With(RawRule raw, string attribute, object? value)
    {
        var attributes = raw.Attributes.ToDictionary(a => a.Key, a => a.Value);
        attributes[attribute] = value;
        return raw with { Attributes = attributes };
    }
}
