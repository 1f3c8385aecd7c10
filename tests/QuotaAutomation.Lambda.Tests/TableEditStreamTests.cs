using System.Text.Json.Nodes;
using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// Hand edits of the rules and policies tables, delivered by their DynamoDB Streams (the payload is the event source
/// mapping's, with new and old images): each change is audited once, with what changed and whether the item still
/// parses; a record that cannot be read is audited, not retried; one whose audit write fails is handed back for a retry.
/// </summary>
public sealed class TableEditStreamTests : EmbeddedFunctionTests
{
    private static readonly string Edits = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "dynamodb-stream-edits.json"));

    private async Task<List<Local.Storage.AuditEntry>> TrailAsync(AuditKind kind) =>
        [.. await Backend.Audit.QueryAsync(null, kind, 20, CancellationToken.None)];

    [Fact]
    public async Task ARuleEdit_IsAuditedWithWhatChanged_AndAPolicyThatNoLongerParses_SaysCyclesFailClosed()
    {
        var reply = await App.HandleAsync(Edits, CancellationToken.None);

        Assert.Equal(("ok", 2, 0), ((string?)reply["status"], (int)reply["recorded"]!, ((JsonArray)reply["batchItemFailures"]!).Count));
        var rule = Assert.Single(await TrailAsync(AuditKind.RuleChange));
        Assert.Equal(("ec2-vcpu", "rule_modified_in_table", "ec2/L-1216C47A@us-east-1"), (rule.RuleId, rule.Action, rule.Quota));
        Assert.Equal("rule 'ec2-vcpu' modified in table quota-automation-rules by a writer the stream does not name: "
            + "automation_level 'alert_only' → 'full_auto'; max_auto_increase set to 2000. It parses", rule.Message);
        var policy = Assert.Single(await TrailAsync(AuditKind.PolicyChange));
        Assert.Equal(("policy:freeze-sandboxes", "policy_created_in_table"), (policy.RuleId, policy.Action));
        Assert.Contains("does not parse (policy 'freeze-sandboxes': never_raise 'maybe' must be true or false", policy.Message, StringComparison.Ordinal);
        Assert.EndsWith("every cycle is alert-only until it is fixed", policy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARedeliveredBatch_IsRecordedOnce()
    {
        await App.HandleAsync(Edits, CancellationToken.None);

        var again = await App.HandleAsync(Edits, CancellationToken.None);

        Assert.Equal((0, 2), ((int)again["recorded"]!, (int)again["duplicates"]!));
        Assert.Single(await TrailAsync(AuditKind.RuleChange));
    }

    [Theory]
    [InlineData("\"eventName\": \"MODIFY\"", "\"eventName\": \"UPDATE\"", "eventName 'UPDATE' must be INSERT, MODIFY or REMOVE")]
    [InlineData("table/quota-automation-rules/stream", "table/someone-elses/stream", "table someone-elses is not the rules or policies table this function audits")]
    [InlineData("\"ApproximateCreationDateTime\": 1795532400", "\"ApproximateCreationDateTime\": \"yesterday\"", "dynamodb.ApproximateCreationDateTime is missing or not epoch seconds")]
    [InlineData("\"Keys\": { \"rule_id\": { \"S\": \"ec2-vcpu\" } }", "\"Keys\": { \"id\": { \"N\": \"1\" } }", "dynamodb.Keys names neither a rule_id nor a policy_id string")]
    public async Task ARecordThatCannotBeRead_IsAuditedByName_AndNotRetried_AndTheOthersAreStillRecorded(string from, string to, string problem)
    {
        var reply = await App.HandleAsync(Edits.Replace(from, to, StringComparison.Ordinal), CancellationToken.None);

        Assert.Equal((1, 1, 0), ((int)reply["recorded"]!, (int)reply["rejected"]!, ((JsonArray)reply["batchItemFailures"]!).Count));
        var error = Assert.Single(await TrailAsync(AuditKind.Error), e => e.Action == "table_edit_rejected");
        Assert.Equal($"stream record 'c4ca4238a0b923820dcc509a6f75849b': {problem}", error.Message);
        Assert.Single(await TrailAsync(AuditKind.PolicyChange));
    }

    [Fact]
    public async Task ARecordsWithoutTheirImages_AreRefused_ForTheStreamMustCarryBoth()
    {
        var keysOnly = Edits.Replace("\"OldImage\"", "\"OldImageX\"", StringComparison.Ordinal);

        var reply = await App.HandleAsync(keysOnly, CancellationToken.None);

        Assert.Equal(1, (int)reply["rejected"]!);
        Assert.Contains(await TrailAsync(AuditKind.Error), e => e.Message.EndsWith("a MODIFY without its OldImage: the stream must be NEW_AND_OLD_IMAGES", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherEventSource_IsRejectedAsAWhole()
    {
        var reply = await App.HandleAsync(Edits.Replace("aws:dynamodb", "aws:sqs", StringComparison.Ordinal), CancellationToken.None);

        Assert.Equal(("error", "stream batch: eventSource 'aws:sqs' is not aws:dynamodb, the only stream this function reads"), ((string?)reply["status"], (string?)reply["error"]));
    }

    /// <summary>An audit store whose writes of one record fail, as a throttled DynamoDB table's would after its retries.</summary>
    private sealed class FailingFor(Core.Ports.IAuditLog inner, string idPrefix) : Core.Ports.IAuditLog
    {
        public Task AppendAsync(AuditRecord record, CancellationToken ct) => inner.AppendAsync(record, ct);

        public Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct) =>
            record.Id.StartsWith(idPrefix, StringComparison.Ordinal) ? throw new TimeoutException("ProvisionedThroughputExceededException") : inner.TryAppendAsync(record, ct);

        public Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) => inner.ListUnfinishedAsync(since, until, ct);
    }

    [Fact]
    public async Task ARecordWhoseAuditWriteFails_IsHandedBackForARetry_AndTheRestAreRecorded()
    {
        var services = App.Services with { Ports = Backend.Ports with { Audit = new FailingFor(Backend.Audit, "stream-c81e728d9d4c2f636f067f89cc14862c") } };

        var reply = await new LambdaApp(services).HandleAsync(Edits, CancellationToken.None);

        Assert.Equal(("partial", 1), ((string?)reply["status"], (int)reply["recorded"]!));
        Assert.Equal("222200000000012345678902", (string?)Assert.Single((JsonArray)reply["batchItemFailures"]!)!["itemIdentifier"]);
        Assert.Contains("table edit not audited: the stream delivers it again", Logs.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloudTrailsDataEvent_NamesWhoWroteThePolicy_OnceAndOnlyForTheTwoTables()
    {
        var put = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "dynamodb-cloudtrail-putitem.json"));

        var first = await App.HandleAsync(put, CancellationToken.None);
        var again = await App.HandleAsync(put, CancellationToken.None);
        var elsewhere = await App.HandleAsync(put.Replace("\"tableName\": \"quota-automation-policies\"", "\"tableName\": \"orders\"", StringComparison.Ordinal), CancellationToken.None);

        Assert.Equal(("ok", "duplicate", "ignored"), ((string?)first["status"], (string?)again["status"], (string?)elsewhere["status"]));
        var written = Assert.Single(await TrailAsync(AuditKind.PolicyChange));
        Assert.Equal(("policy:freeze-sandboxes", "policy_written_by"), (written.RuleId, written.Action));
        Assert.Equal("policy 'freeze-sandboxes': PutItem on table quota-automation-policies by "
            + "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PlatformAdmins_0a1b2c3d/carol@example.com (console.amazonaws.com) (CloudTrail)", written.Message);
    }
}
