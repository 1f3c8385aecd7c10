namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// The rules a new embedded database starts with: one per automation level on the built-in quotas, written as a
/// person would type them (mixed spellings included), and one deliberately malformed rule to show rejection.
/// </summary>
public static class SampleRules
{
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Items { get; } =
    [
        Rule("ec2-ondemand-use1", "ec2", "L-1216C47A", "full_auto", ("description", "Standard On-Demand vCPUs")),
        Rule("lambda-concurrency-use1", "lambda", "L-B99A9384", "auto_approve", ("auto_increase_multiplier", "1.5")),
        Rule("vpcs-use1", "vpc", "L-F678F1CE", "alert_only"),
        Rule("alb-use1", "elasticloadbalancing", "L-53DA6B97", "Auto-Request"),
        Rule("eips-use1", "ec2", "L-0263D0A3", "monitor_only"),
        Rule("subnets-per-vpc-use1", "vpc", "L-407747CB", "alert_only", ("description", "per VPC: the decision names the fullest")),
        Rule("rds-instances-use1", "rds", "L-7B6409FD", "auto_approve", ("approval_required", "TRUE"), ("cost_threshold", 500.0)),
        Rule("dynamodb-read-use1", "dynamodb", "L-34F6A552", "full_auto", ("business_hours_only", true), ("business_hours", "Mon-Fri 09:00-18:00"),
            ("max_auto_increase", 200000)),
        Rule("ec2-spot-typo", "ec2", "L-34B43A08", "full-automatic", ("threshold_critical", "120"),
            ("description", "deliberately malformed: shows how a bad hand edit is reported and skipped")),
    ];

    private static Dictionary<string, object?> Rule(string id, string service, string quota, string level, params (string Name, object? Value)[] extra)
    {
        var item = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rule_id"] = id,
            ["service_code"] = service,
            ["quota_code"] = quota,
            ["region"] = BuiltInAccount.Region,
            ["automation_level"] = level,
        };
        foreach (var (name, value) in extra) item[name] = value;
        return item;
    }
}
