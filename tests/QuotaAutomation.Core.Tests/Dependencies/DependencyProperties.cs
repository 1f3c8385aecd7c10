using FsCheck;
using FsCheck.Xunit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Tests.Engine;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Dependencies;

/// <summary>
/// Whole cycles over quotas of the shipped dependency map (vCPUs, network interfaces, gp3 storage, Elastic IPs, load
/// balancers, target groups, VPCs, security groups) under random usage, levels, caps, AWS verdicts and faults: the
/// increases dependents add still keep AWS's rules (no second request while one is pending, never at or below the
/// current value, the open-request limits per quota, Region and account) and the rules' caps. FsCheck draws the seed;
/// everything inside is a seeded <see cref="Random"/>, so a failure replays exactly.
/// </summary>
[Properties(Replay = Generators.Replay, MaxTest = 25)]
public class DependencyProperties
{
    private static readonly (string Service, string Code)[] Quotas =
    [
        ("ec2", "L-1216C47A"), ("ec2", "L-DB2E81BA"), ("vpc", "L-DF5E4CA3"), ("ebs", "L-7A658B76"), ("ec2", "L-0263D0A3"),
        ("elasticloadbalancing", "L-53DA6B97"), ("elasticloadbalancing", "L-B22855CB"), ("vpc", "L-F678F1CE"), ("vpc", "L-E79EC296"),
    ];

    private static readonly string[] Levels = ["monitor_only", "alert_only", "auto_request", "auto_approve", "full_auto"];
    private static readonly string[] Regions = ["us-east-1", "eu-west-1"];

    private static async Task<(EngineFixture Fixture, Dictionary<string, double> Caps)> RunAsync(int seed)
    {
        var random = new Random(seed);
        var f = new EngineFixture();
        var caps = new Dictionary<string, double>();
        foreach (var region in Regions)
            foreach (var (service, code) in Quotas)
            {
                if (random.NextDouble() < 0.2) continue; // not every quota is observed
                var value = random.Next(1, 300);
                var level = random.NextDouble() * 1.3;
                var growth = random.NextDouble() * 0.03;
                f.Account.Add(service, code, value, t => Math.Round(value * level * (1 + growth * (t - EngineFixture.Start).TotalHours)), region);
                for (var r = 0; r < random.Next(1, 3); r++)
                {
                    var ruleId = $"{code}-{region}-{r}";
                    caps[ruleId] = random.Next(1, 900);
                    f.Stores.Rules.Add(TestRules.Item(ruleId, service, code, Levels[random.Next(Levels.Length)],
                        ("region", region), ("max_auto_increase", caps[ruleId]), ("approval_required", random.Next(2) == 0), ("cost_threshold", random.Next(0, 50))));
                }
            }
        f.Account.Fail = (op, _) => random.NextDouble() < 0.05 ? new QuotaServiceException(QuotaServiceException.TooManyRequests, $"{op} throttled") : null;

        for (var cycle = 0; cycle < 16; cycle++)
        {
            await f.CycleAsync();
            foreach (var open in f.Account.Requests.Where(r => r.Status.IsOpen()).ToList())
                if (random.NextDouble() < 0.3) f.Account.Decide(open.Id, approve: random.NextDouble() < 0.8);
            foreach (var waiting in f.Stores.Approvals.Where(a => a.Status == ApprovalStatus.Waiting).ToList())
                if (random.NextDouble() < 0.3) await f.Stores.UpdateAsync(waiting with { Status = ApprovalStatus.Approved, DecidedAt = f.Time.GetUtcNow(), DecidedBy = "p" }, CancellationToken.None);
        }
        return (f, caps);
    }

    [Property]
    public bool Dependents_NeverBreakAwsRulesOrAskForLessThanTheQuota(PositiveInt seed) =>
        RunAsync(seed.Get).GetAwaiter().GetResult().Fixture.Account.Violations.Count == 0;

    [Property]
    public bool Dependents_NeverRequestAboveTheirRulesCap(PositiveInt seed)
    {
        var (f, caps) = RunAsync(seed.Get).GetAwaiter().GetResult();
        return f.Stores.Requests.All(r => r.DesiredValue <= caps[r.RuleId]);
    }

    /// <summary>The scenarios do reach dependents: some decision names a chain (else the properties above would prove nothing about them).</summary>
    [Fact]
    public async Task Scenarios_ReachDependents()
    {
        var chains = 0;
        for (var seed = 1; seed <= 10; seed++)
            chains += (await RunAsync(seed)).Fixture.Stores.Audit.Count(a => a.Message.Contains(" needs ", StringComparison.Ordinal) && a.Message.Contains(" more ", StringComparison.Ordinal));
        Assert.True(chains > 0, "no decision named a dependency chain in 10 scenarios");
    }
}
