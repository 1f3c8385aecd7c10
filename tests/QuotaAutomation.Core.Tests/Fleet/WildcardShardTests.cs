using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Tests.Engine;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class WildcardShardTests
{
    private const string Member = FleetTestOrg.ProdAccount;

    private static QuotaRule Parse(RawRule raw) => RuleParser.Parse(raw) is { Success: true } r ? r.Value : throw new InvalidOperationException(raw.Origin);

    [Fact]
    public void Plan_FleetWildcard_IsInEveryShardItTargetsBesideTheRulesThatNameQuotas()
    {
        var rules = new[]
        {
            Parse(TestRules.Item("all", "*", "*", "alert_only", ("account_id", "*"), ("region", "*"))),
            Parse(TestRules.Item("vcpus", "ec2", "L-1216C47A", "full_auto", ("account_id", Member), ("region", "eu-west-1"))),
        };

        var plan = FleetPlanner.Plan("run-1", rules, FleetTestOrg.Org, FleetTestOrg.Settings);

        Assert.Equal(8, plan.Shards.Count(s => s.RuleIds.Contains("all"))); // 4 active accounts × 2 Regions
        Assert.Equal(["all", "vcpus"], plan.Shards.Single(s => s.ShardId == $"{Member}/eu-west-1").RuleIds);
        Assert.Empty(plan.Overlaps);
    }

    [Fact]
    public async Task AShard_ExpandsTheWildcardOverItsOwnAccountAndRegion_TheNamedRuleWinningItsQuota()
    {
        FakeCoverage? coverage = null;
        var f = new EngineFixture(coverage: account => coverage = new FakeCoverage(account));
        var ports = new EnginePorts(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores) { Coverage = coverage };
        var cycle = new ShardCycle(ports, new TrendForecaster(), f.Time, f.Options, FleetTestOrg.Hub);
        foreach (var (service, code) in new[] { ("ec2", "L-1216C47A"), ("vpc", "L-F678F1CE"), ("vpc", "L-407747CB") })
        {
            var key = new QuotaKey(service, code, "eu-west-1", Member);
            f.Account.Quotas[key] = new QuotaInfo(key, code, 100, true, "None");
            f.Account.Usage[key] = _ => 10;
        }
        f.Account.Add("vpc", "L-F678F1CE", 5, _ => 1, region: "eu-west-1"); // the hub's own: another shard's
        f.Stores.Rules.Add(TestRules.Item("all", "*", "*", "monitor_only", ("account_id", "*"), ("region", "*")));
        f.Stores.Rules.Add(TestRules.Item("vcpus", "ec2", "L-1216C47A", "monitor_only", ("account_id", Member), ("region", "eu-west-1")));

        var result = await cycle.RunAsync(new FleetShard("run-1", $"{Member}/eu-west-1", Member, "eu-west-1", ["all", "vcpus"], 1), CancellationToken.None);

        Assert.Equal(("ok", 3), (result.Status, result.Rules));
        Assert.Equal([(Member, "eu-west-1", (string?)null)], coverage!.Calls);
        var trail = f.Stores.Audit.SelectMany(QuietDecisions.Unpack).Where(r => r is { Kind: AuditKind.Decision } && r.RuleId != "-").Select(r => $"{r.RuleId} {r.Quota}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"all/vpc/L-407747CB vpc/L-407747CB@eu-west-1#{Member}", $"all/vpc/L-F678F1CE vpc/L-F678F1CE@eu-west-1#{Member}", $"vcpus ec2/L-1216C47A@eu-west-1#{Member}"], trail);
    }
}
