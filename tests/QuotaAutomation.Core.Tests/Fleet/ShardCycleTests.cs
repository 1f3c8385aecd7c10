using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Engine;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class ShardCycleTests
{
    private const string Hub = FleetTestOrg.Hub;
    private const string Member = FleetTestOrg.ProdAccount;

    private static (EngineFixture Fixture, ShardCycle Cycle) Setup()
    {
        var f = new EngineFixture();
        var ports = new EnginePorts(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores);
        return (f, new ShardCycle(ports, new TrendForecaster(), f.Time, f.Options, Hub));
    }

    [Fact]
    public async Task AShard_RunsOnlyItsRules_MadeConcreteForItsAccountAndRegion()
    {
        var (f, cycle) = Setup();
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 10, region: "eu-west-1");
        f.Account.Quotas[new QuotaKey("ec2", "L-1216C47A", "eu-west-1", Member)] = f.Account.Quotas[new QuotaKey("ec2", "L-1216C47A", "eu-west-1")] with { Key = new QuotaKey("ec2", "L-1216C47A", "eu-west-1", Member) };
        f.Account.Usage[new QuotaKey("ec2", "L-1216C47A", "eu-west-1", Member)] = _ => 10;
        f.Stores.Rules.Add(TestRules.Item("fleet", "ec2", "L-1216C47A", "monitor_only", ("account_id", "*"), ("region", "*"), ("exclude_regions", "ap-south-1")));
        f.Stores.Rules.Add(TestRules.Item("other", "ec2", "L-1216C47A", "monitor_only", ("account_id", "*")));

        var result = await cycle.RunAsync(new FleetShard("run-1", $"{Member}/eu-west-1", Member, "eu-west-1", ["fleet"], 1), CancellationToken.None);

        Assert.Equal(new ShardResult($"{Member}/eu-west-1", Member, "eu-west-1", "ok", 1, 0, 0, null), result);
        var trail = f.Stores.Audit.SelectMany(QuietDecisions.Unpack).ToList(); // a shard's quiet decisions are digested
        Assert.Contains(trail, r => r.RuleId == "fleet" && r.Quota == new QuotaKey("ec2", "L-1216C47A", "eu-west-1", Member));
        Assert.DoesNotContain(trail, r => r.RuleId == "other");
    }

    [Theory]
    [InlineData(true, 1)] // the plan placed the account in Prod: the policy lets it auto-approve, the increase is filed
    [InlineData(false, 0)] // a shard line without parents: the policy cannot place it, a person approves (fails closed)
    public async Task APolicyScopedToAnOu_IsPlacedWithTheShardsParents(bool placed, int filed)
    {
        var f = new EngineFixture(new EngineOptions { Policies = [new("prod-only", "*", "*", ["*"], []) { AutoApproveAccounts = [FleetTestOrg.Prod] }] });
        var ports = new EnginePorts(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores);
        var cycle = new ShardCycle(ports, new TrendForecaster(), f.Time, f.Options, Hub);
        var key = new QuotaKey("vpc", "L-F678F1CE", "us-east-1", Member);
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 97);
        f.Account.Quotas[key] = f.Account.Quotas[new QuotaKey("vpc", "L-F678F1CE", "us-east-1")] with { Key = key };
        f.Account.Usage[key] = _ => 97;
        f.Stores.Rules.Add(TestRules.Item("vpcs", "vpc", "L-F678F1CE", "full_auto", ("account_id", "*")));

        await cycle.RunAsync(new FleetShard("run-1", $"{Member}/us-east-1", Member, "us-east-1", ["vpcs"], 1) { Parents = placed ? [FleetTestOrg.Root, FleetTestOrg.Prod] : null }, CancellationToken.None);

        Assert.Equal(filed, f.Account.Requests.Count);
        Assert.Equal(1 - filed, f.Stores.Approvals.Count);
    }

    [Fact]
    public async Task AStandby_IsRaisedToThePrimarysPeakTimesFactor_AndItsDriftReported()
    {
        var (f, cycle) = Setup();
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 5, region: "eu-west-1"); // the hub's standby: 100, barely used
        var primary = new QuotaKey("ec2", "L-1216C47A", "us-east-1");
        await f.Stores.AppendAsync(primary, [new UsageSample(f.Time.GetUtcNow().AddDays(-2), 150), new UsageSample(f.Time.GetUtcNow().AddHours(-1), 90)], CancellationToken.None);
        f.Stores.Rules.Add(TestRules.Item("dr", "ec2", "L-1216C47A", "full_auto", ("standby_region", "eu-west-1"), ("standby_factor", 1.2)));
        var shard = new FleetShard("run-1", $"{Hub}/eu-west-1", Hub, "eu-west-1", ["dr"], 1, [new ParityLink("dr", "ec2", "L-1216C47A", Hub, "us-east-1", 1.2, 14)]);

        var result = await cycle.RunAsync(shard, CancellationToken.None);

        var drift = Assert.Single(result.Drift!);
        Assert.Equal("rule 'dr': standby ec2/L-1216C47A@eu-west-1 is 100, below 180 (primary ec2/L-1216C47A@us-east-1 peak 150 × factor)", drift.ToString());
        var request = Assert.Single(f.Account.Requests);
        Assert.True(request.DesiredValue >= 180, $"asked {request.DesiredValue}");
        Assert.Equal(new QuotaKey("ec2", "L-1216C47A", "eu-west-1"), request.Quota);
    }

    [Fact]
    public async Task AnOkShard_CarriesTheCycleReportsNextDue_APartialOneNone()
    {
        var f = new EngineFixture(new EngineOptions { Cadence = ReadCadence.Default });
        var ports = new EnginePorts(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores);
        var cycle = new ShardCycle(ports, new TrendForecaster(), f.Time, f.Options, Hub);
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 10, region: "eu-west-1");
        f.Stores.Rules.Add(TestRules.Item("calm", "ec2", "L-1216C47A", "monitor_only", ("region", "eu-west-1")));
        f.Stores.Rules.Add(TestRules.Item("missing", "ec2", "L-00000000", "monitor_only", ("region", "eu-west-1")));
        var shard = new FleetShard("run-1", $"{Hub}/eu-west-1", Hub, "eu-west-1", ["calm"], 1);

        var ok = await cycle.RunAsync(shard, CancellationToken.None);
        var partial = await cycle.RunAsync(shard with { RuleIds = ["calm", "missing"] }, CancellationToken.None);

        Assert.Equal(f.Time.GetUtcNow().AddMinutes(40), ok.NextDue); // calm: the hub's eu-west-1 hourly cycle (its hash puts it at xx:40)
        Assert.Equal(ShardResult.Partial, partial.Status);
        Assert.Null(partial.NextDue);
    }

    [Fact]
    public async Task AShardWhoseCycleThrows_FailsAlone_WithTheReason()
    {
        var (f, _) = Setup();
        var broken = new EnginePorts(new ThrowingRules(), f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores);
        var cycle = new ShardCycle(broken, new TrendForecaster(), f.Time, f.Options, Hub);

        var result = await cycle.RunAsync(new FleetShard("run-1", $"{Member}/us-east-1", Member, "us-east-1", ["x"], 1), CancellationToken.None);

        Assert.Equal(ShardResult.NotRun(new FleetShard("run-1", $"{Member}/us-east-1", Member, "us-east-1", ["x"], 1),
            $"shard {Member}/us-east-1 failed: AccessDenied: not authorized to perform sts:AssumeRole"), result);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("lambda/L-B99A9384", true)]
    [InlineData("lambda/*", true)] // an AWS Health notification names the service, not the quota code
    [InlineData("ec2/*", false)]
    public async Task AWokenCalmQuota_IsReadInDetail_InTheShardsNextCycle(string? woken, bool detailed)
    {
        var f = new EngineFixture(new EngineOptions { Cadence = Core.Cadence.ReadCadence.Default });
        var cycle = new ShardCycle(new EnginePorts(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores),
            new TrendForecaster(), f.Time, f.Options, Hub);
        var quota = f.Account.Add("lambda", "L-B99A9384", 1000, _ => 100).Key; // 10 %: far from the 70 % warning, flat
        f.Stores.Rules.Add(TestRules.Item("lambda", "lambda", "L-B99A9384", "monitor_only", ("account_id", "*"), ("region", "*")));
        var shard = new FleetShard("run-1", $"{Hub}/us-east-1", Hub, "us-east-1", ["lambda"], 1);
        await cycle.RunAsync(shard, CancellationToken.None); // the backfill
        var notDue = Enumerable.Range(1, 12).Select(i => EngineFixture.Start.AddMinutes(5 * i))
            .First(t => !Core.Cadence.ReadCadence.Default.IsDue(quota, TimeSpan.FromHours(1), t));
        f.Time.Advance(notDue - f.Time.GetUtcNow());

        await cycle.RunAsync(shard with { Woken = woken is null ? null : [woken] }, CancellationToken.None);

        Assert.Equal(2, f.Account.Queries.Count(q => q.Quota.Key == quota));
        Assert.Equal(detailed, f.Account.Queries[^1].Detailed);
    }

    private sealed class ThrowingRules : Ports.IRuleStore
    {
        public Task<IReadOnlyList<Core.Rules.RawRule>> LoadRulesAsync(CancellationToken ct) => throw new InvalidOperationException("AccessDenied: not authorized to perform sts:AssumeRole");
    }
}
