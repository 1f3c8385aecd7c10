using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Tests.Fleet;

/// <summary>The embedded backend serving many accounts: calls go by the quota's account id, the hub's own account is untouched.</summary>
public sealed class SimulatedFleetTests : IAsyncLifetime
{
    private const string Member = "222222222222";
    private const string NoRole = "333333333333";
    private static readonly QuotaKey HubEc2 = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaKey MemberEc2 = HubEc2 with { AccountId = Member };
    private static readonly QuotaKey MemberEc2West = HubEc2 with { Region = "eu-west-1", AccountId = Member };

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private async Task<EmbeddedBackend> OpenFleetAsync(SimulationOptions? simulation = null)
    {
        var backend = await _db.OpenAsync(simulation);
        backend.Accounts.Join("111111111111", [
            new SimulatedMember("", true, new HashSet<string> { "us-east-1", "eu-west-1" }),
            new SimulatedMember(Member, true, new HashSet<string> { "us-east-1", "eu-west-1" }),
            new SimulatedMember(NoRole, false, new HashSet<string> { "us-east-1" }),
        ]);
        return backend;
    }

    [Fact]
    public async Task Coverage_MemberAccount_ListsItsOwnQuotasOfTheRegion_WithTheirSources()
    {
        var backend = await OpenFleetAsync();

        var member = await backend.Coverage.ListAsync(Member, "eu-west-1", "vpc", includeUnobserved: true, CancellationToken.None);
        var stranger = await backend.Coverage.ListAsync("444444444444", "us-east-1", null, includeUnobserved: true, CancellationToken.None);

        // A member account's counts are drawn (no inventory), but they are observed as AWS would observe them.
        Assert.Equal([("L-A4707A72", "ec2:DescribeInternetGateways"), ("L-DF5E4CA3", "ec2:DescribeNetworkInterfaces"), ("L-E79EC296", "ec2:DescribeSecurityGroups"), ("L-F678F1CE", "ec2:DescribeVpcs"), ("L-FE5A380F", "ec2:DescribeNatGateways")],
            member.Select(q => (q.Key.QuotaCode, q.SourceName)));
        Assert.All(member, q => Assert.Equal(new QuotaKey("vpc", q.Key.QuotaCode, "eu-west-1", Member), q.Key));
        Assert.Empty(stranger); // an account outside the organization has no quotas, not the hub's
    }

    [Fact]
    public async Task GetQuotas_MemberAccount_ServedFromItsOwnRows_InEachEnabledRegion()
    {
        var backend = await OpenFleetAsync();

        var quotas = await backend.Ports.Quotas.GetQuotasAsync([HubEc2, MemberEc2, MemberEc2West], CancellationToken.None);

        Assert.Equal([HubEc2, MemberEc2West, MemberEc2], quotas.Keys.OrderBy(k => k.AccountId).ThenBy(k => k.Region, StringComparer.Ordinal));
        Assert.Equal(256, quotas[HubEc2].Value); // the hub's own account keeps the built-in values
        Assert.Equal(34, (await backend.Account.ListQuotasAsync(CancellationToken.None)).Count); // its 34 quotas (16 built-in, 18 more of issue 15), and none of the member's rows
    }

    [Fact]
    public async Task MemberAccounts_AreDrawnFromTheSeedAndTheAccountId_TheSameInEveryRun()
    {
        var first = await OpenFleetAsync();
        var values = await first.Ports.Quotas.GetQuotasAsync([MemberEc2, MemberEc2West], CancellationToken.None);
        var usage = await first.Ports.Usage.GetUsageAsync([new UsageQuery(values[MemberEc2], TempDatabase.Start.AddHours(-1))], TempDatabase.Start, CancellationToken.None);

        var again = MemberAccountQuotas.For(42, Member, "us-east-1").Single(q => q.Quota.Key == MemberEc2).Quota;

        Assert.Equal(again.Value, values[MemberEc2].Value);
        Assert.Equal(12, usage[MemberEc2].Count);
    }

    [Fact]
    public async Task MemberAccount_WithoutItsRole_FailsAsAssumeRoleWould()
    {
        var backend = await OpenFleetAsync();

        var e = await Assert.ThrowsAsync<MemberRoleMissingException>(() => backend.Ports.Quotas.GetQuotaAsync(HubEc2 with { AccountId = NoRole }, CancellationToken.None));

        Assert.Equal("AssumeRole: AccessDenied: User: arn:aws:sts::111111111111:assumed-role/quota-automation/quota-automation is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/QuotaAutomationMemberRole", e.Message);
    }

    [Fact]
    public async Task AccountOutsideTheOrganization_IsNotServed_AsBefore()
    {
        var backend = await OpenFleetAsync();
        var stranger = HubEc2 with { AccountId = "444444444444" };

        var quotas = await backend.Ports.Quotas.GetQuotasAsync([stranger], CancellationToken.None);

        Assert.Empty(quotas);
    }

    [Fact]
    public async Task RequestIncrease_CountsAwsLimitsPerAccount_NotAcrossTheFleet()
    {
        var backend = await OpenFleetAsync();
        var hubVpc = new QuotaKey("vpc", "L-F678F1CE", "us-east-1");
        await backend.Ports.Requester.RequestIncreaseAsync(HubEc2, 300, CancellationToken.None);
        await backend.Ports.Requester.RequestIncreaseAsync(hubVpc, 10, CancellationToken.None); // the hub's 2 open in us-east-1

        var member = await backend.Ports.Requester.RequestIncreaseAsync(MemberEc2, 10_000, CancellationToken.None);
        var memberVpc = await backend.Ports.Requester.RequestIncreaseAsync(hubVpc with { AccountId = Member }, 100, CancellationToken.None);

        Assert.Equal((RequestStatus.Pending, RequestStatus.Pending), (member.Status, memberVpc.Status));
        Assert.Equal("QuotaExceededException", (await Assert.ThrowsAsync<QuotaServiceException>(
            () => backend.Ports.Requester.RequestIncreaseAsync(new QuotaKey("rds", "L-7B6409FD", "us-east-1", Member), 400, CancellationToken.None))).ErrorCode);
        Assert.Equal(2, (await backend.Account.ListRequestsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ShardAudit_FilesRecordsUnderItsAccountAndRegion_AndReadsOnlyItsOwnUnfinished()
    {
        var backend = await OpenFleetAsync();
        var shard = backend.Audit.ForShard(Member, "eu-west-1");
        var at = TempDatabase.Start;
        await shard.AppendAsync(new AuditRecord("r1/00001", "r1", at, AuditKind.Cycle, "-", null, "cycle_start", "started"), CancellationToken.None);
        await backend.Audit.AppendAsync(new AuditRecord("r2/00001", "r2", at, AuditKind.Cycle, "-", null, "cycle_start", "started"), CancellationToken.None);
        await backend.Audit.AppendAsync(new AuditRecord("r2/00002", "r2", at, AuditKind.Decision, "hub", HubEc2, "decide", "fine"), CancellationToken.None);

        var own = await shard.ListUnfinishedAsync(at.AddHours(-1), at, CancellationToken.None);
        var all = await backend.Audit.ListUnfinishedAsync(at.AddHours(-1), at, CancellationToken.None);
        var member = await backend.Audit.QueryAsync(new AuditFilter { Accounts = [Member], Region = "eu-west-1" }, 10, CancellationToken.None);
        var hub = await backend.Audit.QueryAsync(new AuditFilter { Accounts = [""] }, 10, CancellationToken.None);

        Assert.Equal(["r1/00001"], own.Select(r => r.Id));
        Assert.Equal(["r1/00001", "r2/00001"], all.Select(r => r.Id));
        Assert.Equal(["r1/00001"], member.Select(r => r.Id));
        Assert.Equal(["r2/00002"], hub.Select(r => r.Id));
    }
}
