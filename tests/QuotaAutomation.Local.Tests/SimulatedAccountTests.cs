using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Tests;

public sealed class SimulatedAccountTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private static readonly QuotaKey Ec2 = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaKey Vpc = new("vpc", "L-F678F1CE", "us-east-1");
    private static readonly QuotaKey Rds = new("rds", "L-7B6409FD", "us-east-1");

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static async Task<string> ErrorOf(Func<Task> call) => (await Assert.ThrowsAsync<QuotaServiceException>(call)).ErrorCode;

    [Fact]
    public async Task RequestIncrease_RefusesWhatAwsRefuses_WithAwsErrorNames()
    {
        var account = (await _db.OpenAsync()).Account;
        await account.RequestIncreaseAsync(Ec2, 300, CancellationToken.None);
        await account.RequestIncreaseAsync(Vpc, 10, CancellationToken.None);

        Assert.Equal("ResourceAlreadyExistsException", await ErrorOf(() => account.RequestIncreaseAsync(Ec2, 400, CancellationToken.None)));
        Assert.Equal("QuotaExceededException", await ErrorOf(() => account.RequestIncreaseAsync(Rds, 60, CancellationToken.None))); // 2 open in us-east-1
        Assert.Equal("IllegalArgumentException", await ErrorOf(() => account.RequestIncreaseAsync(Rds, 40, CancellationToken.None)));
        Assert.Equal("NoSuchResourceException", await ErrorOf(() => account.RequestIncreaseAsync(new QuotaKey("ec2", "L-00000000", "us-east-1"), 9, CancellationToken.None)));
    }

    [Fact]
    public async Task Requests_AreDecidedAfterTheDelay_AndApprovalRaisesTheQuota()
    {
        var backend = await _db.OpenAsync(new SimulationOptions { DenyProbability = 0 });
        var request = await backend.Account.RequestIncreaseAsync(Ec2, 300, CancellationToken.None);

        await backend.AdvanceAsync(TimeSpan.FromMinutes(29), CancellationToken.None);
        var early = await backend.Account.GetRequestAsync(Ec2, request.Id, CancellationToken.None);
        await backend.AdvanceAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        var decided = await backend.Account.GetRequestAsync(Ec2, request.Id, CancellationToken.None);

        Assert.Equal((RequestStatus.Pending, RequestStatus.Approved), (early.Status, decided.Status));
        Assert.Equal(300, (await backend.Account.GetQuotasAsync([Ec2], CancellationToken.None))[Ec2].Value);
    }

    [Fact]
    public async Task LargeRequests_WaitLonger()
    {
        var backend = await _db.OpenAsync(new SimulationOptions { DenyProbability = 0 });
        var request = await backend.Account.RequestIncreaseAsync(Vpc, 50, CancellationToken.None); // 10× the quota

        await backend.AdvanceAsync(TimeSpan.FromHours(23), CancellationToken.None);

        Assert.Equal(RequestStatus.Pending, (await backend.Account.GetRequestAsync(Vpc, request.Id, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task SupportCase_OnlyForAPendingRequest()
    {
        var account = (await _db.OpenAsync()).Account;
        var request = await account.RequestIncreaseAsync(Ec2, 300, CancellationToken.None);

        await account.CreateSupportCaseAsync(Ec2, request.Id, CancellationToken.None);

        Assert.Equal((RequestStatus.CaseOpened, $"case-{request.Id}"), await account.GetRequestAsync(Ec2, request.Id, CancellationToken.None) is var r ? (r.Status, r.CaseId) : default);
        Assert.Equal("InvalidResourceStateException", await ErrorOf(() => account.CreateSupportCaseAsync(Ec2, request.Id, CancellationToken.None)));
    }

    [Fact]
    public async Task Denials_FollowTheConfiguredShareFromTheSeed()
    {
        var backend = await _db.OpenAsync(new SimulationOptions { DenyProbability = 0.25, Limits = new(1, 1000, 1000) });
        var account = backend.Account;
        var quotas = await account.ListQuotasAsync(CancellationToken.None);
        for (var round = 0; round < 40; round++)
        {
            foreach (var q in quotas) await account.RequestIncreaseAsync(q.Info.Key, (await account.GetQuotasAsync([q.Info.Key], CancellationToken.None))[q.Info.Key].Value + 1, CancellationToken.None);
            await backend.AdvanceAsync(TimeSpan.FromHours(1), CancellationToken.None);
        }

        var denied = (await account.ListRequestsAsync(CancellationToken.None)).Count(r => r.Status == RequestStatus.Denied);

        Assert.InRange(denied / (quotas.Count * 40.0), 0.18, 0.32);
    }

    [Fact]
    public async Task Usage_IsAFunctionOfSeedQuotaAndTime()
    {
        var a = await _db.OpenAsync();
        var quota = (await a.Account.ListQuotasAsync(CancellationToken.None)).Single(q => q.Info.Key == Ec2);
        var t = TempDatabase.Start.AddHours(7);
        var other = new SimulatedAccount(a.Database, a.Clock, a.Simulation with { Seed = 7 }, TempDatabase.Start);

        Assert.Equal(a.Account.DemandAt(quota, t), a.Account.DemandAt(quota, t));
        Assert.NotEqual(
            Enumerable.Range(0, 48).Select(h => a.Account.DemandAt(quota, t.AddHours(h))),
            Enumerable.Range(0, 48).Select(h => other.DemandAt(quota, t.AddHours(h))));
    }
}
