using System.Globalization;
using FsCheck;
using FsCheck.Xunit;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>
/// A cycle that ends at a random audit write (as a kill would end it: the exception escapes the cycle), then the
/// cycles after it: every intent gets exactly one outcome after it and every cycle start one end, the crashed ones
/// included. FsCheck draws the seed; everything inside is a seeded <see cref="Random"/>.
/// </summary>
[Properties(Replay = Generators.Replay, MaxTest = 40)]
public class ReconciliationProperties
{
    private static async Task<List<AuditRecord>> CrashAndRecoverAsync(int seed)
    {
        var random = new Random(seed);
        var f = new EngineFixture();
        for (var q = 0; q < random.Next(1, 5); q++)
        {
            var code = string.Create(CultureInfo.InvariantCulture, $"L-{q:D8}");
            var value = random.Next(10, 400);
            var level = 0.5 + random.NextDouble();
            f.Account.Add("svc", code, value, t => Math.Round(value * level * (1 + 0.01 * (t - EngineFixture.Start).TotalHours)));
            f.Stores.Rules.Add(TestRules.Item(code, "svc", code, random.Next(3) switch { 0 => "alert_only", 1 => "auto_request", _ => "full_auto" }));
        }
        var crashAt = random.Next(0, 6);
        for (var cycle = 0; cycle < crashAt + 5; cycle++)
        {
            if (cycle == crashAt)
            {
                var writes = 0;
                var fatal = random.Next(1, 12);
                f.Stores.FailAuditWhen = _ => ++writes == fatal;
                try
                {
                    await f.Engine.RunCycleAsync(CancellationToken.None);
                }
                catch (IOException)
                {
                    // the process ended here
                }
                f.Stores.FailAuditWhen = null;
            }
            await f.CycleAsync();
            foreach (var open in f.Account.Requests.Where(r => r.Status.IsOpen()).ToList())
                if (random.NextDouble() < 0.5) f.Account.Decide(open.Id, approve: random.NextDouble() < 0.8);
        }
        return f.Stores.Audit;
    }

    [Property]
    public bool Cycles_AfterACrashAtARandomPoint_EveryIntentAndCycleIsClosedOnce(PositiveInt seed)
    {
        var audit = CrashAndRecoverAsync(seed.Get).GetAwaiter().GetResult();
        var indexed = audit.Select((record, index) => (record, index)).ToList();
        return indexed.Where(x => x.record.Kind == AuditKind.Intent)
                .All(i => indexed.Count(o => o.record.Kind == AuditKind.Outcome && o.record.ActionId == i.record.Id && o.index > i.index) == 1)
            && indexed.Where(x => x.record.Action == "cycle_start")
                .All(s => indexed.Count(e => e.record.Action == "cycle_end" && e.record.RunId == s.record.RunId && e.index > s.index) == 1);
    }
}
