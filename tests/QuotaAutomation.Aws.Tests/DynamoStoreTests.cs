using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Aws.Tests;

/// <summary>The DynamoDB stores on moto_server: conditional writes, append-only audit, rules as typed.</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoStoreTests(MotoServer moto)
{
    private static readonly QuotaKey Key = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly DateTimeOffset T = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private async Task<AwsBackend> BackendAsync()
    {
        var world = await AwsWorld.CreateAsync(moto);
        return world.Backend();
    }

    private static QuotaRequest Reservation(string id) => new(id, "r", Key, 10, 20, RequestStatus.Filing, T, T);

    [Fact]
    public async Task TryReserve_OneOpenRequestPerQuota_UntilItCloses()
    {
        using var backend = await BackendAsync();
        var store = backend.State;

        var first = await store.TryReserveAsync(Reservation("a"), CancellationToken.None);
        var second = await store.TryReserveAsync(Reservation("b"), CancellationToken.None);
        await store.UpdateAsync(Reservation("a") with { Status = RequestStatus.Denied, UpdatedAt = T.AddHours(1) }, CancellationToken.None);
        var third = await store.TryReserveAsync(Reservation("c"), CancellationToken.None);

        Assert.Equal((true, false, true), (first, second, third));
        Assert.Equal(["c"], (await store.ListOpenAsync(CancellationToken.None)).Select(r => r.Id));
        Assert.Equal(["a"], (await store.ListDeniedSinceAsync(T, CancellationToken.None)).Select(r => r.Id));
    }

    [Fact]
    public async Task ARequestsBudgetCharges_SurviveItsUpdates()
    {
        using var backend = await BackendAsync();
        var charged = new Core.Governance.ChargedBudgets("2026-11", 3456, ["ec2-spend", "sandbox-spend#111111111111"]);
        await backend.State.TryReserveAsync(Reservation("a") with { Charged = charged }, CancellationToken.None);
        await backend.State.UpdateAsync((await backend.State.FindRequestAsync("a", CancellationToken.None))! with { Status = RequestStatus.Pending, AwsRequestId = "aws-1" }, CancellationToken.None);

        var stored = (await backend.State.FindRequestAsync("a", CancellationToken.None))!.Charged!;

        Assert.Equal(("2026-11", 3456d), (stored.Month, stored.Cost));
        Assert.Equal(charged.Keys, stored.Keys);
        Assert.True(await backend.State.TryReserveAsync(Reservation("b") with { Quota = Key with { QuotaCode = "L-0263D0A3" } }, CancellationToken.None));
        Assert.Null((await backend.State.FindRequestAsync("b", CancellationToken.None))!.Charged); // no budget, no attribute
    }

    [Fact]
    public async Task Approvals_OneActivePerQuota_AndFoundById()
    {
        using var backend = await BackendAsync();
        ApprovalRequest Approval(string id) => new(id, "r", Key, 10, 20, 720, "why", Severity.Critical, 90, ApprovalStatus.Waiting, T);
        var store = backend.State;

        Assert.True(await store.TryStartAsync(Approval("apr-1"), CancellationToken.None));
        Assert.False(await store.TryStartAsync(Approval("apr-2"), CancellationToken.None));
        await store.UpdateAsync(Approval("apr-1") with { Status = ApprovalStatus.Denied, DecidedBy = "bob", DecidedAt = T.AddMinutes(3) }, CancellationToken.None);

        Assert.Equal(("bob", ApprovalStatus.Denied), (await backend.State.FindApprovalAsync("apr-1", CancellationToken.None)) is { } a ? (a.DecidedBy, a.Status) : default);
        Assert.True(await store.TryStartAsync(Approval("apr-3"), CancellationToken.None));
    }

    [Fact]
    public async Task Audit_NeverOverwritesARecord()
    {
        using var backend = await BackendAsync();
        var record = new AuditRecord("run/00001", "run", T, AuditKind.Decision, "r", Key, "none", "fine");
        await backend.Audit.AppendAsync(record, CancellationToken.None);

        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => backend.Audit.AppendAsync(record with { Message = "rewritten" }, CancellationToken.None));

        Assert.Equal("fine", Assert.Single(await backend.Audit.ForRuleAsync("r", CancellationToken.None)).Message);
    }

    [Fact]
    public async Task Rules_ReachTheParserAsTyped_SoABadEditIsNamed()
    {
        using var backend = await BackendAsync();
        await backend.Dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = backend.Options.RulesTable,
            Item = new()
            {
                ["rule_id"] = new AttributeValue { S = "hand-edited" },
                ["service_code"] = new AttributeValue { S = "ec2" },
                ["quota_code"] = new AttributeValue { S = "L-1216C47A" },
                ["region"] = new AttributeValue { S = "us-east-1" },
                ["automation_level"] = new AttributeValue { S = "FULL-AUTO" },
                ["threshold_warning"] = new AttributeValue { N = "65" },
                ["approval_required"] = new AttributeValue { S = "TRUE" },
                ["max_auto_increase"] = new AttributeValue { L = [new AttributeValue { N = "5" }] },
            },
        });

        var raw = Assert.Single(await backend.Rules.LoadRulesAsync(CancellationToken.None));

        Assert.Equal("rule 'hand-edited': max_auto_increase a list must be a number", RuleParser.Parse(raw).Error);
        Assert.Equal(65.0, raw.Attributes["threshold_warning"]);
    }

    /// <summary>The item is written by the AWS CLI (a second, independent client), as a person editing the table would.</summary>
    [Fact]
    public async Task Rules_SetsAndBinaries_AreRejectedNamingFieldAndType_NotReadAsMissing()
    {
        using var backend = await BackendAsync();
        var item = """
            {"rule_id": {"S": "typed-wrong"}, "service_code": {"S": "ec2"}, "quota_code": {"S": "L-1216C47A"}, "region": {"S": "us-east-1"},
             "automation_level": {"S": "full_auto"}, "threshold_warning": {"SS": ["70"]}, "threshold_critical": {"NS": ["80", "85"]},
             "max_auto_increase": {"B": "AQID"}, "enabled": {"BS": ["AQID"]}}
            """;
        var cli = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("aws",
            ["--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", "dynamodb", "put-item", "--table-name", backend.Options.RulesTable, "--item", item])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment = { ["AWS_ACCESS_KEY_ID"] = "testing", ["AWS_SECRET_ACCESS_KEY"] = "testing", ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null" },
        })!;
        var errors = await cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        Assert.True(cli.ExitCode == 0, errors);

        var raw = Assert.Single(await backend.Rules.LoadRulesAsync(CancellationToken.None));

        Assert.Equal("rule 'typed-wrong': threshold_warning is a DynamoDB string set (SS); expected a number; threshold_critical is a DynamoDB number set (NS); expected a number; "
            + "max_auto_increase is a DynamoDB binary (B); expected a number; enabled is a DynamoDB binary set (BS); expected true or false", RuleParser.Parse(raw).Error);
    }

    [Fact]
    public async Task Events_AreLoggedOncePerEventId_WithTtl()
    {
        using var backend = await BackendAsync();
        var record = new QuotaEventRecord("evt-1", "quota_threshold_exceeded", "aws.events", T, Key, """{"utilization":91.5}""");

        var first = await backend.Events.TryAppendAsync(record, CancellationToken.None);
        var again = await backend.Events.TryAppendAsync(record, CancellationToken.None);
        var item = (await backend.Dynamo.GetItemAsync(backend.Options.EventsTable, new() { ["event_id"] = new AttributeValue { S = "evt-1" } })).Item;

        Assert.Equal((true, false), (first, again));
        Assert.Equal((T + TimeSpan.FromDays(30)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item["ttl"].N);
    }

    [Fact]
    public async Task AlertState_RecordsSeveritiesAndClearsOnRecovery()
    {
        using var backend = await BackendAsync();
        await backend.State.RecordSentAsync(Key, Severity.Warning, T, CancellationToken.None);
        await backend.State.RecordSentAsync(Key, Severity.Critical, T.AddMinutes(5), CancellationToken.None);

        var active = await backend.State.ActiveAsync(CancellationToken.None);
        await backend.State.ClearAsync(Key, CancellationToken.None);

        Assert.Equal(Severity.Critical, Assert.Single(active, a => a.Key == Key).Value); // the worst one sent
        Assert.Empty(await backend.State.ActiveAsync(CancellationToken.None));
        Assert.Null(await backend.State.LastSentAsync(Key, Severity.Critical, CancellationToken.None));
    }

    [Fact]
    public async Task Init_IsIdempotent()
    {
        using var backend = await BackendAsync(); // created the tables

        Assert.Empty(await backend.InitAsync(CancellationToken.None));
    }
}
