using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Plans;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>Step plans in the state table on moto_server: round trips, one plan per quota by a conditional put, ending, items that do not read as plans.</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoStepPlanStoreTests(MotoServer moto)
{
    private static readonly QuotaKey Vcpu = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaKey MemberVpcs = new("vpc", "L-F678F1CE", "eu-west-1", "111111111111");
    private static readonly DateTimeOffset T = AwsWorld.Now;
    private const string StateTable = "quota-automation-state";

    private static StepPlan Plan(string id, QuotaKey quota, int next = 1) =>
        new(id, "ec2-vcpu", quota, 100, [200, 400, 640], next, T, T.AddMinutes(5 * next), "p99 540 ÷ 85% = 636 → 640: over ×2 the quota 100");

    private async Task<AwsBackend> BackendAsync() => (await AwsWorld.CreateAsync(moto)).Backend();

    /// <summary>The backend's store, with a fake clock for the audit records it writes.</summary>
    private static DynamoStepPlanStore Store(AwsBackend backend) => new(backend.Dynamo, StateTable, backend.Audit, new FakeTimeProvider(T.AddHours(1)));

    [Fact]
    public async Task Save_ThenLoadAndList_GiveBackEveryField()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);
        var own = Plan("plan-1", Vcpu);
        var member = Plan("plan-2", MemberVpcs, next: 0) with { RuleId = "vpcs", Steps = [10.5], CreatedAt = T.AddHours(1), UpdatedAt = T.AddHours(1) };

        await store.SaveAsync(own, CancellationToken.None);
        await store.SaveAsync(member, CancellationToken.None);
        var loaded = await store.LoadAsync([Vcpu, MemberVpcs, new QuotaKey("iam", "L-FE177D64", "us-east-1")], CancellationToken.None);

        Assert.Equal((own, member), (loaded[Vcpu] with { Steps = own.Steps }, loaded[MemberVpcs] with { Steps = member.Steps }));
        Assert.Equal([200.0, 400, 640], loaded[Vcpu].Steps);
        Assert.Equal([10.5], loaded[MemberVpcs].Steps);
        Assert.Equal(["plan-1", "plan-2"], (await store.ListAsync(CancellationToken.None)).Select(p => p.Id));
    }

    [Fact]
    public async Task Save_SamePlanReplaces_AnotherIsRefusedNamingBoth_EndingFreesTheQuota()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);
        await store.SaveAsync(Plan("plan-1", Vcpu, next: 1), CancellationToken.None);
        await store.SaveAsync(Plan("plan-1", Vcpu, next: 2), CancellationToken.None);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(Plan("plan-2", Vcpu), CancellationToken.None));
        var kept = Assert.Single(await store.ListAsync(CancellationToken.None));
        await store.EndAsync(kept, CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", Vcpu), CancellationToken.None);

        Assert.Equal("step plan plan-2 for ec2/L-1216C47A@us-east-1 (rule ec2-vcpu) not saved: the quota already has plan plan-1 (rule ec2-vcpu, created 2026-11-24 12:00:00 UTC); "
            + "a quota has one plan at a time, and another is made only after it ends", refused.Message);
        Assert.Equal(("plan-1", 2), (kept.Id, kept.Next));
        Assert.Equal("plan-2", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Save_TwoCyclesPlanningOneQuotaAtOnce_OnlyOneKeepsItsPlan()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);

        var saves = await Task.WhenAll(Enumerable.Range(1, 4).Select(async i =>
        {
            try
            {
                await store.SaveAsync(Plan($"plan-{i}", Vcpu), CancellationToken.None);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }));

        Assert.Equal(1, saves.Count(saved => saved));
        Assert.Equal($"plan-{Array.IndexOf(saves, true) + 1}", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task End_APlanThatIsGone_IsFine_AndLeavesTheQuotasNewPlan()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);
        await store.EndAsync(Plan("never-saved", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", Vcpu), CancellationToken.None);

        await store.EndAsync(Plan("plan-1", Vcpu), CancellationToken.None); // a stale cycle ending an older plan

        Assert.Equal("plan-2", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Load_AHandEditedItem_IsAuditedNamingItemAndField_ThenDropped_AndTheOtherPlansLoad()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", MemberVpcs), CancellationToken.None);
        await backend.Dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = StateTable,
            Key = new() { ["pk"] = new AttributeValue { S = "QUOTA#vpc/L-F678F1CE@eu-west-1#111111111111" }, ["sk"] = new AttributeValue { S = "PLAN" } },
            UpdateExpression = "SET steps = :s",
            ExpressionAttributeValues = new() { [":s"] = new AttributeValue { S = "200, 400" } },
        });

        var listed = await store.ReadAllAsync(CancellationToken.None);
        var loaded = await store.LoadAsync([Vcpu, MemberVpcs], CancellationToken.None);

        var expected = "step plan quota-automation-state item QUOTA#vpc/L-F678F1CE@eu-west-1#111111111111 PLAN: field 'steps' must be a non-empty list of positive numbers in ascending order; it is \"200, 400\"";
        Assert.Equal(expected, Assert.Single(listed.Unreadable).Message);
        Assert.Equal([Vcpu], loaded.Keys);
        var record = Assert.Single(await backend.Audit.ForRuleAsync("ec2-vcpu", CancellationToken.None), r => r.Action == UnreadableStepPlan.AuditAction);
        Assert.Equal((AuditKind.Error, MemberVpcs, T.AddHours(1)), (record.Kind, record.Quota, record.Timestamp));
        Assert.Equal(expected + "; the item is dropped: the rule decides afresh, and plans again if it still needs to", record.Message);
        Assert.Contains("\"steps\":\"200, 400\"", record.Details!["stored"], StringComparison.Ordinal);
        var all = await store.ReadAllAsync(CancellationToken.None);
        Assert.Equal(["plan-1"], all.Plans.Select(p => p.Id));
        Assert.Empty(all.Unreadable);
    }

    [Fact]
    public async Task Load_AnItemWhoseFieldsNameAnotherQuota_IsNotFollowedOnIt()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await backend.Dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = StateTable,
            Key = new() { ["pk"] = new AttributeValue { S = "QUOTA#ec2/L-1216C47A@us-east-1" }, ["sk"] = new AttributeValue { S = "PLAN" } },
            UpdateExpression = "SET quota_code = :c",
            ExpressionAttributeValues = new() { [":c"] = new AttributeValue { S = "L-34B43A08" } },
        });

        var bad = Assert.Single((await store.ReadAllAsync(CancellationToken.None)).Unreadable);

        Assert.Equal(("service_code", Vcpu), (bad.Field, bad.Quota));
        Assert.Equal("and the other key fields name ec2/L-34B43A08@us-east-1, not the quota of the item's key", bad.Problem);
    }

    [Fact]
    public async Task Save_OverAnItemThatIsNoPlan_AndNotListed_DropsItThenSaves()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);
        await backend.Dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = StateTable,
            Item = new() { ["pk"] = new AttributeValue { S = "QUOTA#ec2/L-1216C47A@us-east-1" }, ["sk"] = new AttributeValue { S = "PLAN" }, ["note"] = new AttributeValue { S = "hand-made" } },
        });

        await store.SaveAsync(Plan("plan-2", Vcpu), CancellationToken.None);

        Assert.Equal("plan-2", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
        var record = Assert.Single((await backend.Audit.QueryAsync(new AuditFilter(Kind: AuditKind.Error), CancellationToken.None))!, r => r.Action == UnreadableStepPlan.AuditAction);
        Assert.StartsWith("step plan quota-automation-state item QUOTA#ec2/L-1216C47A@us-east-1 PLAN: field 'plan_id' must be a non-empty string; it is absent", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForShard_ListsAndLoadsOnlyItsAccountAndRegion()
    {
        using var backend = await BackendAsync();
        var store = Store(backend);
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", MemberVpcs), CancellationToken.None);

        var member = store.ForShard("111111111111", "eu-west-1");
        var hub = store.ForShard(null, "us-east-1");

        Assert.Equal(["plan-2"], (await member.ListAsync(CancellationToken.None)).Select(p => p.Id));
        Assert.Equal([Vcpu], (await hub.LoadAsync([Vcpu, MemberVpcs], CancellationToken.None)).Keys);
    }

    [Fact]
    public async Task PlansCommand_OnAws_ListsTheStateTablesPlans()
    {
        using var backend = await BackendAsync();
        await Store(backend).SaveAsync(Plan("plan-1", MemberVpcs, next: 2), CancellationToken.None);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing"); // the CLI's credentials, as CliApprovalOnMotoTests gives them
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");

        var (exit, output) = await Testing.CliRunner.RunAsync(["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", "plans", "-o", "json"], TimeProvider.System);

        Assert.True(exit == 0, output);
        var plan = Assert.Single(System.Text.Json.Nodes.JsonNode.Parse(output)!["plans"]!.AsArray())!;
        Assert.Equal(("plan-1", "vpc/L-F678F1CE@eu-west-1#111111111111", 2, 640.0), ((string?)plan["id"], (string?)plan["quota"], (int)plan["next"]!, (double)plan["next_value"]!));
    }

    [Fact]
    public async Task FleetShard_PortsCarryItsOwnPlans()
    {
        using var backend = await BackendAsync();
        await backend.Plans.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await backend.Plans.SaveAsync(Plan("plan-2", MemberVpcs), CancellationToken.None);

        var member = Adapters.AwsShardRunner.WithShardState(backend.Ports, backend, "111111111111", "eu-west-1");
        var hub = Adapters.AwsShardRunner.WithShardState(backend.Ports, backend, null, "us-east-1");

        Assert.Equal(["plan-2"], (await member.Plans!.ListAsync(CancellationToken.None)).Select(p => p.Id)); // set: its absence fails here
        Assert.Equal(["plan-1"], (await hub.Plans!.ListAsync(CancellationToken.None)).Select(p => p.Id));
    }

    [Fact]
    public async Task Backend_PortsCarryTheStore_OnTheStateTable()
    {
        using var backend = await BackendAsync();

        await backend.Ports.Plans!.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None); // the port is set: its absence fails here
        var item = await backend.Dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = StateTable,
            Key = new() { ["pk"] = new AttributeValue { S = "QUOTA#ec2/L-1216C47A@us-east-1" }, ["sk"] = new AttributeValue { S = "PLAN" } },
            ConsistentRead = true,
        });

        Assert.Same(backend.Plans, backend.Ports.Plans);
        Assert.Equal(("plan-1", "PLAN", "self#us-east-1#PLAN"), (item.Item["plan_id"].S, item.Item["state_key"].S, item.Item["shard_state"].S));
    }
}
