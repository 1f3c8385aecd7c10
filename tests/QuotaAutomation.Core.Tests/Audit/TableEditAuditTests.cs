using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Core.Tests.Audit;

/// <summary>The record of a hand edit of the rules or policies table: what changed, whether it parses, and an id a redelivery repeats.</summary>
public class TableEditAuditTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, object?> Item(params (string Name, object? Value)[] attributes) => attributes.ToDictionary(a => a.Name, a => a.Value);

    [Fact]
    public void Differences_NameEachAttributeAddedRemovedOrChanged_InNameOrder_AndSkipTheSame()
    {
        var before = Item(("rule_id", "r"), ("threshold_warning", 70d), ("tags", new object?[] { "a" }), ("notes", "old"));
        var after = Item(("rule_id", "r"), ("threshold_warning", "80"), ("tags", new object?[] { "a" }), ("enabled", false));

        Assert.Equal(["enabled set to false", "notes removed (was 'old')", "threshold_warning 70 → '80'"], TableEditAudit.Differences(before, after));
    }

    [Fact]
    public void ARemovedPolicy_IsRecordedWholeUnderItsTrail_AndAModifyThatChangesNothingSaysSo()
    {
        var policy = Item(("policy_id", "caps"), ("max_value", 10d));

        var removed = TableEditAudit.Record(new TableEdit("e1", EditedTable.Policies, "qa-policies", "REMOVE", "caps", policy, null, At, null), At);
        var touched = TableEditAudit.Record(new TableEdit("e2", EditedTable.Policies, "qa-policies", "MODIFY", "caps", policy, policy, At, null), At);

        Assert.Equal(("stream-e1/00001", AuditKind.PolicyChange, "policy:caps", "policy_removed_in_table"), (removed.Id, removed.Kind, removed.RuleId, removed.Action));
        Assert.Equal("policy 'caps' removed in table qa-policies by a writer the stream does not name: max_value removed (was 10); policy_id removed (was 'caps')", removed.Message);
        Assert.Equal("{\"policy_id\":\"caps\",\"max_value\":10}", removed.Details!["before"]);
        Assert.Equal(TableEditAudit.UnknownAuthor, removed.Details["by"]);
        Assert.Equal("policy 'caps' modified in table qa-policies by a writer the stream does not name: no attribute changed. It parses: the next cycle applies it", touched.Message);
    }

    [Fact]
    public void ARuleThatNoLongerParses_SaysTheEngineSkipsIt_AndTtlDeletionsNameDynamoDb()
    {
        var before = Item(("rule_id", "r"), ("service_code", "ec2"), ("quota_code", "L-1216C47A"), ("region", "us-east-1"), ("automation_level", "alert_only"));
        var after = Item(("rule_id", "r"), ("service_code", "ec2"), ("quota_code", "L-1216C47A"), ("region", "us-east-1"), ("automation_level", "alert_only"), ("threshold_critical", "120"));

        var broken = TableEditAudit.Record(new TableEdit("e3", EditedTable.Rules, "qa-rules", "MODIFY", "r", before, after, At, "dynamodb.amazonaws.com (Service)"), At);

        Assert.Equal(("r", "ec2/L-1216C47A@us-east-1"), (broken.RuleId, broken.Quota?.ToString()));
        Assert.Equal("rule 'r' modified in table qa-rules by dynamodb.amazonaws.com (Service): threshold_critical set to '120'. "
            + "It does not parse (rule 'r': threshold_critical 120 must be ≤ 100): the engine skips it and audits why", broken.Message);
    }
}
