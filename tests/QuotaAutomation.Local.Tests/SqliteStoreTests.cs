using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Tests;

public sealed class SqliteStoreTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private static readonly QuotaKey Key = new("ec2", "L-1216C47A", "us-east-1");

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static QuotaRequest Reservation(string id) =>
        new(id, "r", Key, 10, 20, RequestStatus.Filing, TempDatabase.Start, TempDatabase.Start);

    [Fact]
    public async Task TryReserve_SecondOpenRequestForOneQuota_IsRefused_UntilTheFirstCloses()
    {
        var store = (await _db.OpenAsync(sampleRules: false)).Requests;

        var first = await store.TryReserveAsync(Reservation("a"), CancellationToken.None);
        var second = await store.TryReserveAsync(Reservation("b"), CancellationToken.None);
        await store.UpdateAsync(Reservation("a") with { Status = RequestStatus.Approved }, CancellationToken.None);
        var third = await store.TryReserveAsync(Reservation("c"), CancellationToken.None);

        Assert.Equal((true, false, true), (first, second, third));
    }

    [Fact]
    public async Task ARequestsBudgetCharges_SurviveItsUpdates()
    {
        var store = (await _db.OpenAsync(sampleRules: false)).Requests;
        var charged = new Core.Governance.ChargedBudgets("2026-11", 3456, ["ec2-spend", "sandbox-spend#111111111111"]);

        await store.TryReserveAsync(Reservation("a") with { Charged = charged }, CancellationToken.None);
        await store.UpdateAsync(Reservation("a") with { Status = RequestStatus.Pending, AwsRequestId = "aws-1" }, CancellationToken.None);
        var stored = (await store.FindRequestAsync("a", CancellationToken.None))!.Charged!;

        Assert.Equal(("2026-11", 3456d), (stored.Month, stored.Cost));
        Assert.Equal(charged.Keys, stored.Keys);
    }

    [Fact]
    public async Task TryStartApproval_OneActivePerQuota()
    {
        var store = (await _db.OpenAsync(sampleRules: false)).Requests;
        ApprovalRequest Approval(string id) => new(id, "r", Key, 10, 20, 5, "why", Severity.Critical, 90, ApprovalStatus.Waiting, TempDatabase.Start);

        Assert.True(await store.TryStartAsync(Approval("a"), CancellationToken.None));
        Assert.False(await store.TryStartAsync(Approval("b"), CancellationToken.None));
    }

    [Fact]
    public async Task Audit_IsAppendOnly()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        var record = new AuditRecord("run/00001", "run", TempDatabase.Start, AuditKind.Decision, "r", Key, "none", "fine");
        await backend.Audit.AppendAsync(record, CancellationToken.None);

        await Assert.ThrowsAsync<SqliteException>(() => backend.Audit.AppendAsync(record with { Message = "rewritten" }, CancellationToken.None));
        var update = await Assert.ThrowsAsync<SqliteException>(() => backend.Database.ExecuteAsync("UPDATE audit SET message = 'x'", CancellationToken.None));
        await Assert.ThrowsAsync<SqliteException>(() => backend.Database.ExecuteAsync("DELETE FROM audit", CancellationToken.None));
        Assert.Contains("audit records are append-only", update.Message, StringComparison.Ordinal);
        Assert.Equal("fine", Assert.Single(await backend.Audit.QueryAsync(null, null, 10, CancellationToken.None)).Message);
    }

    [Fact]
    public async Task Rules_KeepTheTypesAPersonWrote()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        var item = new Dictionary<string, object?> { ["rule_id"] = "x", ["threshold_warning"] = "70", ["enabled"] = true, ["max_auto_increase"] = 5.0, ["note"] = null };

        await backend.Rules.UpsertAsync([("x", item)], CancellationToken.None);

        Assert.Equal(item, Assert.Single(await backend.Rules.LoadRulesAsync(CancellationToken.None)).Attributes);
    }

    [Fact]
    public async Task Events_AreLoggedOncePerEventId()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        var record = new QuotaEventRecord("evt-1", "quota_threshold_exceeded", "aws.events", TempDatabase.Start, Key, "{}");

        Assert.True(await backend.Events.TryAppendAsync(record, CancellationToken.None));
        Assert.False(await backend.Events.TryAppendAsync(record, CancellationToken.None));
    }
}
