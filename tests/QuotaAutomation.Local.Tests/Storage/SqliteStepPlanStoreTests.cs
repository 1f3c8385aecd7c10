using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Plans;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local.Tests.Storage;

/// <summary>Step plans in SQLite: round trips, one plan per quota, ending, and rows that do not read as plans.</summary>
public sealed class SqliteStepPlanStoreTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private static readonly QuotaKey Vcpu = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaKey MemberVpcs = new("vpc", "L-F678F1CE", "eu-west-1", "111111111111");
    private static readonly DateTimeOffset T = TempDatabase.Start;

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static StepPlan Plan(string id, QuotaKey quota, int next = 1) =>
        new(id, "ec2-vcpu", quota, 100, [200, 400, 640], next, T, T.AddMinutes(5 * next), "p99 540 ÷ 85% = 636 → 640: over ×2 the quota 100");

    private async Task<(EmbeddedBackend Backend, SqliteStepPlanStore Store)> OpenAsync()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        return (backend, backend.Plans);
    }

    [Fact]
    public async Task Save_ThenLoadAndList_GiveBackEveryField()
    {
        var (_, store) = await OpenAsync();
        var own = Plan("plan-1", Vcpu);
        var member = Plan("plan-2", MemberVpcs, next: 0) with { RuleId = "vpcs", Steps = [10.5], CreatedAt = T.AddHours(1), UpdatedAt = T.AddHours(1) };

        await store.SaveAsync(own, CancellationToken.None);
        await store.SaveAsync(member, CancellationToken.None);
        var loaded = await store.LoadAsync([Vcpu, MemberVpcs], CancellationToken.None);
        var listed = await store.ListAsync(CancellationToken.None);

        Assert.Equal((own, member), (loaded[Vcpu] with { Steps = own.Steps }, loaded[MemberVpcs] with { Steps = member.Steps }));
        Assert.Equal([200.0, 400, 640], loaded[Vcpu].Steps);
        Assert.Equal([10.5], loaded[MemberVpcs].Steps);
        Assert.Equal(["plan-1", "plan-2"], listed.Select(p => p.Id)); // oldest first
    }

    [Fact]
    public async Task Load_GivesOnlyTheQuotasAsked()
    {
        var (_, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", MemberVpcs), CancellationToken.None);

        var loaded = await store.LoadAsync([MemberVpcs, new QuotaKey("iam", "L-FE177D64", "us-east-1")], CancellationToken.None);

        Assert.Equal([MemberVpcs], loaded.Keys);
    }

    [Fact]
    public async Task Save_TheSamePlanAgain_ReplacesIt()
    {
        var (_, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu, next: 1), CancellationToken.None);

        await store.SaveAsync(Plan("plan-1", Vcpu, next: 2), CancellationToken.None);

        var plan = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal((2, T.AddMinutes(10)), (plan.Next, plan.UpdatedAt));
    }

    [Fact]
    public async Task Save_AnotherPlanForAQuotaThatHasOne_IsRefused_NamingBoth()
    {
        var (_, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveAsync(Plan("plan-2", Vcpu) with { RuleId = "other" }, CancellationToken.None));

        Assert.Equal("step plan plan-2 for ec2/L-1216C47A@us-east-1 (rule other) not saved: the quota already has plan plan-1 (rule ec2-vcpu, created 2026-11-24 15:00:00 UTC); "
            + "a quota has one plan at a time, and another is made only after it ends", refused.Message);
        Assert.Equal("plan-1", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Save_FourCyclesPlanningOneQuotaAtOnce_OnlyOneKeepsItsPlan()
    {
        var (_, store) = await OpenAsync();

        var saves = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => Task.Run(async () =>
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
        })));

        Assert.Equal(1, saves.Count(saved => saved));
        Assert.Equal($"plan-{Array.IndexOf(saves, true) + 1}", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task End_ThenAnotherPlan_IsSaved()
    {
        var (_, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);

        await store.EndAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", Vcpu), CancellationToken.None);

        Assert.Equal("plan-2", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task End_APlanThatIsGone_IsFine_AndLeavesTheQuotasNewPlan()
    {
        var (_, store) = await OpenAsync();
        await store.EndAsync(Plan("never-saved", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", Vcpu), CancellationToken.None);

        await store.EndAsync(Plan("plan-1", Vcpu), CancellationToken.None); // a stale cycle ending an older plan

        Assert.Equal("plan-2", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task Save_APlanThatWouldNotReadBack_IsABug_NamingTheField()
    {
        var (_, store) = await OpenAsync();

        var bug = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(Plan("plan-1", Vcpu, next: 4), CancellationToken.None));

        Assert.StartsWith("not saved: step plan plan-1 of ec2/L-1216C47A@us-east-1: field 'next' must be a whole number from 0 to 3 (the number of steps); it is 4", bug.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Load_AHandEditedRow_IsAuditedNamingRowAndField_ThenDropped_AndTheOtherPlansLoad()
    {
        var (backend, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", MemberVpcs), CancellationToken.None);
        await EditAsync(backend, MemberVpcs, "json_set(item, '$.steps', json_array(200, 'x'))");

        var loaded = await store.LoadAsync([Vcpu, MemberVpcs], CancellationToken.None);

        Assert.Equal([Vcpu], loaded.Keys);
        var record = Assert.Single(await DropRecordsAsync(backend));
        Assert.Equal((AuditKind.Error, "ec2-vcpu", MemberVpcs.ToString()), (record.Kind, record.RuleId, record.Quota));
        Assert.Equal("step plan step_plans row vpc/L-F678F1CE@eu-west-1#111111111111: field 'steps' must be a non-empty list of positive numbers in ascending order; "
            + "it is [200,\"x\"]; the item is dropped: the rule decides afresh, and plans again if it still needs to", record.Message);
        var details = Assert.Single(await backend.Database.QueryAsync("SELECT details FROM audit WHERE action = 'plan_unreadable'", r => r.GetString(0), CancellationToken.None));
        Assert.Contains("\"plan_id\":\"plan-2\"", System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(details)!["stored"], StringComparison.Ordinal); // the item as stored
        Assert.Equal(["plan-1"], (await store.ListAsync(CancellationToken.None)).Select(p => p.Id));
    }

    [Fact]
    public async Task List_SkipsARowThatIsNoJson_AndReadAllNamesIt_WithoutDroppingIt()
    {
        var (backend, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", MemberVpcs), CancellationToken.None);
        await EditAsync(backend, Vcpu, "'{\"plan_id\": \"plan-1\", '");

        var listed = await store.ListAsync(CancellationToken.None);
        var all = await store.ReadAllAsync(CancellationToken.None);

        Assert.Equal(["plan-2"], listed.Select(p => p.Id));
        var bad = Assert.Single(all.Unreadable);
        Assert.Equal(("step_plans row ec2/L-1216C47A@us-east-1", "item", Vcpu), (bad.Item, bad.Field, bad.Quota));
        Assert.StartsWith("must be a JSON object of the plan's fields: ", bad.Problem, StringComparison.Ordinal);
        Assert.Equal(2, (await store.ReadAllAsync(CancellationToken.None)).Plans.Count + (await store.ReadAllAsync(CancellationToken.None)).Unreadable.Count);
    }

    [Fact]
    public async Task Save_OverARowThatIsNoPlan_DropsIt_AuditedThenSaves()
    {
        var (backend, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await EditAsync(backend, Vcpu, "json_remove(item, '$.plan_id')");

        await store.SaveAsync(Plan("plan-2", Vcpu), CancellationToken.None);

        Assert.Equal("plan-2", Assert.Single(await store.ListAsync(CancellationToken.None)).Id);
        var record = Assert.Single(await DropRecordsAsync(backend));
        Assert.StartsWith("step plan step_plans row ec2/L-1216C47A@us-east-1: field 'plan_id' must be a non-empty string; it is absent", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForShard_ListsAndLoadsOnlyItsAccountAndRegion()
    {
        var (_, store) = await OpenAsync();
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", MemberVpcs), CancellationToken.None);

        var member = store.ForShard("111111111111", "eu-west-1");
        var hub = store.ForShard("", "us-east-1");

        Assert.Equal(["plan-2"], (await member.ListAsync(CancellationToken.None)).Select(p => p.Id));
        Assert.Equal([Vcpu], (await hub.LoadAsync([Vcpu, MemberVpcs], CancellationToken.None)).Keys);
    }

    [Fact]
    public async Task Embedded_PortsCarryTheStore()
    {
        var (backend, store) = await OpenAsync();

        Assert.Same(store, backend.Ports.Plans);
    }

    private static async Task<List<AuditEntry>> DropRecordsAsync(EmbeddedBackend backend) =>
        (await backend.Audit.QueryAsync(new AuditFilter(Kind: AuditKind.Error), 10, CancellationToken.None)).Where(r => r.Action == UnreadableStepPlan.AuditAction).ToList();

    [Fact]
    public async Task FleetShard_PortsCarryItsOwnPlans()
    {
        var (backend, store) = await OpenAsync();
        var (org, _) = await backend.JoinOrganizationAsync(3, ["us-east-1", "eu-west-1"], CancellationToken.None);
        var member = org.Organization.Accounts.First(a => a.Id != org.Organization.ManagementAccountId).Id;
        await store.SaveAsync(Plan("plan-1", Vcpu), CancellationToken.None);
        await store.SaveAsync(Plan("plan-2", MemberVpcs with { AccountId = member }), CancellationToken.None);
        var runner = new QuotaAutomation.Local.Fleet.EmbeddedShardRunner(backend, org, new Core.Forecasting.TrendForecaster(), new Core.Engine.EngineOptions());
        Core.Fleet.FleetShard Shard(string account, string region) => new("run", Core.Fleet.FleetShard.IdOf(account, region), account, region, ["ec2-vcpu"], 1);

        var memberPlans = await runner.PortsFor(Shard(member, "eu-west-1")).Plans!.ListAsync(CancellationToken.None); // set: its absence fails here
        var hubPlans = await runner.PortsFor(Shard(org.Organization.ManagementAccountId, "us-east-1")).Plans!.ListAsync(CancellationToken.None);

        Assert.Equal(["plan-2"], memberPlans.Select(p => p.Id));
        Assert.Equal(["plan-1"], hubPlans.Select(p => p.Id));
    }

    /// <summary>Rewrites a plan row's JSON with an SQL expression over <c>item</c>, as a person editing the file would.</summary>
    private static async Task EditAsync(EmbeddedBackend backend, QuotaKey quota, string expression) =>
        Assert.Equal(1, await backend.Database.ExecuteAsync($"UPDATE step_plans SET item = {expression} WHERE {SqliteDatabase.KeyMatch}", CancellationToken.None,
            SqliteDatabase.KeyParameters(quota)));
}
