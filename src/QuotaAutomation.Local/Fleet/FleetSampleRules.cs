namespace QuotaAutomation.Local.Fleet;

/// <summary>
/// The rules a virtual organization starts with when its database is new: the same three rules as
/// docs/examples/fleet-rules.yaml (a test keeps them equal): every account in every Region but the sandbox OU, one OU
/// in a Region list, every account in a Region list.
/// </summary>
public static class FleetSampleRules
{
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Items { get; } =
    [
        Rule("fleet-ec2-ondemand", "ec2", "L-1216C47A", "*", "*", "full_auto", ("exclude_accounts", "ou-fl33-sandboxs"), ("threshold_warning", 65.0)),
        Rule("fleet-lambda-prod", "lambda", "L-B99A9384", "ou-fl33-prodwork", new object?[] { "us-east-1", "eu-west-1" }, "auto_approve"),
        Rule("fleet-vpcs", "vpc", "L-F678F1CE", "*", new object?[] { "us-east-1", "us-west-2", "eu-west-1" }, "alert_only"),
    ];

    private static Dictionary<string, object?> Rule(string id, string service, string quota, object account, object region, string level, params (string Name, object? Value)[] extra)
    {
        var item = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rule_id"] = id,
            ["service_code"] = service,
            ["quota_code"] = quota,
            ["account_id"] = account,
            ["region"] = region,
            ["automation_level"] = level,
        };
        foreach (var (name, value) in extra) item[name] = value;
        return item;
    }
}
