using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>What reconciliation needs of the DynamoDB stores, on moto_server: unfinished records through <c>kind-ts-index</c>, a write-once append, a request by id.</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoReconciliationTests(MotoServer moto)
{
    private static readonly QuotaKey Key = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly DateTimeOffset T = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ListUnfinished_IntentWithoutOutcomeAndCycleWithoutEnd_AreListedOthersNot()
    {
        using var backend = (await AwsWorld.CreateAsync(moto)).Backend();
        var details = new Dictionary<string, string> { ["desired_value"] = "150" };
        foreach (var record in new AuditRecord[]
        {
            new("dead/00001", "dead", T, AuditKind.Cycle, "-", null, "cycle_start", "cycle dead started"),
            new("dead/00002", "dead", T, AuditKind.Intent, "r", Key, "request_increase", "request", Details: details),
            new("done/00001", "done", T, AuditKind.Cycle, "-", null, "cycle_start", "cycle done started"),
            new("done/00002", "done", T, AuditKind.Intent, "r", Key, "notify", "send"),
            new("done/00003", "done", T.AddSeconds(1), AuditKind.Outcome, "r", Key, "notify", "done: message 1", "done/00002"),
            new("done/00004", "done", T.AddSeconds(2), AuditKind.Cycle, "-", null, "cycle_end", "cycle done: 1 rules"),
            new("late/00001", "late", T.AddMinutes(20), AuditKind.Cycle, "-", null, "cycle_start", "cycle late started"),
        })
            await backend.Audit.AppendAsync(record, CancellationToken.None);

        var unfinished = await backend.Audit.ListUnfinishedAsync(T.AddDays(-7), T.AddMinutes(15), CancellationToken.None);

        Assert.Equal(["dead/00001", "dead/00002"], unfinished.Select(r => r.Id));
        Assert.Equal((Key, "150"), (unfinished[1].Quota, unfinished[1].Details!["desired_value"]));
    }

    [Fact]
    public async Task TryAppend_SecondWriteOfOneId_IsRefusedAndTheFirstStays()
    {
        using var backend = (await AwsWorld.CreateAsync(moto)).Backend();
        var outcome = new AuditRecord("dead/00002/outcome-reconciled", "dead", T, AuditKind.Outcome, "r", Key, "request_increase", "done (reconciled): first", "dead/00002");

        var first = await backend.Audit.TryAppendAsync(outcome, CancellationToken.None);
        var second = await backend.Audit.TryAppendAsync(outcome with { Message = "done (reconciled): second" }, CancellationToken.None);

        Assert.Equal((true, false), (first, second));
        Assert.Equal("done (reconciled): first", Assert.Single(await backend.Audit.ForRuleAsync("r", CancellationToken.None)).Message);
    }

    [Fact]
    public async Task FindRequest_ById_WhateverItsStatus()
    {
        using var backend = (await AwsWorld.CreateAsync(moto)).Backend();
        var reservation = new QuotaRequest("req-dead-r", "r", Key, 100, 150, RequestStatus.Filing, T, T);
        await backend.State.TryReserveAsync(reservation, CancellationToken.None);
        await backend.State.UpdateAsync(reservation with { Status = RequestStatus.Denied, AwsRequestId = "aws-1", UpdatedAt = T.AddHours(1) }, CancellationToken.None);

        var found = await backend.State.FindRequestAsync("req-dead-r", CancellationToken.None);

        Assert.Equal((RequestStatus.Denied, "aws-1"), (found!.Status, found.AwsRequestId));
        Assert.Null(await backend.State.FindRequestAsync("req-none", CancellationToken.None));
    }
}
