using System.Globalization;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Decisions;
using Xunit.Abstractions;

namespace QuotaAutomation.Aws.Tests.Reliability;

/// <summary>
/// Six cycles of 20 rules (six services, three Regions) through a <see cref="FaultProxy"/> injecting throttling,
/// 500, 503, dropped connections and lost replies at 10 % and 30 % of requests, compared with a fault-free run of the
/// same rules: every rule is decided whenever its own reads succeeded, nothing is requested twice, no record is lost.
/// The figures each run prints are in docs/reliability.md.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Reliability")]
public sealed class FaultInjectionTests(MotoServer moto, ITestOutputHelper output)
{
    private const int Cycles = 6;
    private const int ApproveAfter = 2; // AWS approves every pending request after the third cycle

    [Theory]
    [InlineData(0.10, 11)]
    [InlineData(0.30, 12)]
    public async Task Cycles_UnderInjectedFaults_DecideEveryRuleWhoseReadsSucceeded_RequestNothingTwice_LoseNoRecord(double rate, int seed)
    {
        var clean = await FaultFreeRunAsync();
        using var faulty = await FaultWorld.CreateAsync(moto, seed);

        var run = await RunResult.RunAsync(faulty, rate, Cycles, ApproveAfter);

        Report(rate, seed, clean, run, faulty.Proxy);
        Assert.All(clean.Cycles, c => Assert.Null(c.Error));
        Assert.All(clean.Cycles, c => Assert.DoesNotContain(c.Report!.Rules, r => r.Decision is Failed));
        // A cycle ends early only when something the whole cycle stands on gave up (its rules, what is in flight, its own audit record).
        foreach (var cycle in run.Cycles.Where(c => c.Error is not null))
            Assert.True(cycle.GaveUp.Any(g => !FaultWorld.RuleSet.Any(r => Serves(g, r))),
                $"cycle {cycle.Index} ended in {cycle.Error!.GetType().Name}: {cycle.Error.Message}, though only reads of single rules gave up: {Describe(cycle.GaveUp)}");
        var completed = run.Cycles.Where(c => c.Report is not null).ToList();
        // In a cycle that ran, a rule fails only when a read it depends on failed after retries, and its reason says so.
        foreach (var cycle in completed)
            foreach (var failed in cycle.Report!.Rules.Where(r => r.Decision is Failed))
            {
                var rule = FaultWorld.RuleSet.Single(r => r.Id == failed.Decision.RuleId);
                Assert.True(cycle.GaveUp.Any(g => Serves(g, rule)),
                    $"cycle {cycle.Index}: rule {rule.Id} failed ({failed.Decision.Reason}) though none of its reads failed after retries; gave up: {Describe(cycle.GaveUp)}");
                Assert.Matches("could not read|ListServiceQuotas|GetServiceQuota|Query|timed out|Rate exceeded|throughput|Unavailable|unknown error|error occurred|ended prematurely", failed.Decision.Reason);
            }
        // Nothing requested twice: in each period between AWS's decisions, at most one request per quota.
        Assert.All(run.RequestedPerPeriod, p => Assert.Equal(p.Distinct().Count(), p.Count));
        // The same quotas were raised as without faults, unless a rule of theirs could not read or act, or its cycle ended early.
        var unexplained = clean.Requested.ToHashSet();
        unexplained.SymmetricExceptWith(run.Requested);
        unexplained.RemoveWhere(q => run.Cycles.Any(c => c.Error is not null) || completed.Any(c => c.Report!.Rules.Any(r => r.Decision is Failed && r.Decision.Quota.ToString() == q)
            || c.Report.Actions.Any(a => a.Outcome == Core.Engine.ActionOutcome.Failed && a.Quota?.ToString() == q)));
        Assert.Empty(unexplained);
        // No record lost: every intent has its outcome, every cycle that ran its start and end, every decision its record.
        var intents = run.Audit.Where(a => RunResult.S(a, "kind") == "Intent").Select(a => RunResult.S(a, "id")).ToList();
        var outcomes = run.Audit.Where(a => RunResult.S(a, "kind") == "Outcome").Select(a => RunResult.S(a, "action_id")).ToList();
        Assert.Equal(intents.Order(StringComparer.Ordinal), outcomes.Order(StringComparer.Ordinal));
        foreach (var cycle in completed)
        {
            var trail = run.Audit.Where(a => RunResult.S(a, "run_id") == cycle.Report!.RunId).ToList();
            Assert.Equal(1, trail.Count(a => RunResult.S(a, "action") == "cycle_start"));
            Assert.Equal(1, trail.Count(a => RunResult.S(a, "action") == "cycle_end"));
            Assert.All(cycle.Report!.Rules, r => Assert.Contains(trail, a => RunResult.S(a, "rule_id") == r.Decision.RuleId && RunResult.S(a, "action") == r.Decision.Kind));
            Assert.Equal(cycle.Report.Actions.Count(a => !a.Detail.StartsWith("not attempted", StringComparison.Ordinal)), trail.Count(a => RunResult.S(a, "kind") == "Intent"));
        }
    }

    private static string Describe(IEnumerable<ProxiedCall> calls) => string.Join(", ", calls.Select(g => $"{g.Service}.{g.Operation}@{g.Region} {g.Body[..Math.Min(160, g.Body.Length)]}"));

    /// <summary>The same rules and cycles without faults: the seed draws only faults, so one run serves every rate.</summary>
    private async Task<RunResult> FaultFreeRunAsync()
    {
        if (_faultFree is { } done) return done;
        using var world = await FaultWorld.CreateAsync(moto, seed: 0);
        return _faultFree = await RunResult.RunAsync(world, 0, Cycles, ApproveAfter);
    }

    private static RunResult? _faultFree; // data only; the tests of a collection run one at a time

    /// <summary>The reads a rule depends on: its service's quota listing (or reads) in its Region, and its own usage history.</summary>
    private static bool Serves(ProxiedCall call, (string Id, string Service, string Code, string Region, string Level, double Value, double Usage) rule) =>
        (call.Service == "servicequotas" && call.Region == rule.Region && call.Body.Contains($"\"ServiceCode\":\"{rule.Service}\"", StringComparison.Ordinal))
        || (call.Service == "dynamodb" && call.Operation == "Query" && call.Body.Contains("quota-automation-usage", StringComparison.Ordinal)
            && call.Body.Contains(rule.Code, StringComparison.Ordinal) && call.Body.Contains(rule.Region, StringComparison.Ordinal) && call.Body.Contains(rule.Service, StringComparison.Ordinal));

    private void Report(double rate, int seed, RunResult clean, RunResult run, FaultProxy proxy)
    {
        var injected = proxy.Injected;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rate {rate:P0}, seed {seed}: {run.Cycles.Count} cycles × {FaultWorld.RuleSet.Count} rules; {proxy.Calls.Count} requests, {proxy.TotalInjected} faults injected ({string.Join(", ", injected.Select(k => $"{k.Key} {k.Value}"))}); "
            + $"{run.Cycles.Sum(c => c.GaveUp.Count)} calls failed after {FaultWorld.MaxRetries} retries ({string.Join("; ", run.Cycles.Where(c => c.GaveUp.Count > 0).Select(c => $"cycle {c.Index}: {Describe(c.GaveUp)}"))}); "
            + $"audit rows {run.Audit.Count} (fault-free {clean.Audit.Count}); requests {run.Requests.Count} (fault-free {clean.Requests.Count}); {run.Elapsed.TotalSeconds:0.0} s (fault-free {clean.Elapsed.TotalSeconds:0.0} s)"));
        foreach (var c in run.Cycles)
        {
            output.WriteLine(c.Error is { } e ? $"cycle {c.Index}: ERROR {e.GetType().Name}: {e.Message}"
                : $"cycle {c.Index}: {string.Join(", ", c.Report!.Rules.Select(r => $"{r.Decision.RuleId}={r.Decision.Kind}"))}; actions {string.Join(", ", c.Report.Actions.Select(a => $"{a.RuleId}:{a.Action}:{a.Outcome}"))}");
            foreach (var failed in c.Report?.Rules.Where(r => r.Decision is Failed) ?? []) output.WriteLine($"   {failed.Decision.Reason}");
            foreach (var a in c.Report?.Actions.Where(a => a.Outcome != Core.Engine.ActionOutcome.Done) ?? []) output.WriteLine($"   {a.RuleId} {a.Action} {a.Outcome}: {a.Detail}");
        }
        var replies = proxy.Replies;
        foreach (var odd in proxy.Calls.Where(c => c.Fault is null && replies.TryGetValue(c.Sequence, out var r) && r.Status < 300 && r.Length == 0))
            output.WriteLine($"empty 2xx reply from upstream: {odd.Service}.{odd.Operation}@{odd.Region}");
        output.WriteLine($"TransactWriteItems with ClientRequestToken: {proxy.Calls.Count(c => c.Operation == "TransactWriteItems" && c.Body.Contains("ClientRequestToken", StringComparison.Ordinal))} of {proxy.Calls.Count(c => c.Operation == "TransactWriteItems")}");
        foreach (var c in clean.Cycles)
            output.WriteLine($"clean {c.Index}: {string.Join(", ", c.Report?.Rules.Select(r => $"{r.Decision.RuleId}={r.Decision.Kind}") ?? [c.Error?.Message ?? ""])}");
        output.WriteLine($"requested: {string.Join(" ", run.Requested.Order())}; clean: {string.Join(" ", clean.Requested.Order())}");
    }
}
