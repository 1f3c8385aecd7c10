using System.Diagnostics;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;

namespace QuotaAutomation.Aws.Tests.Reliability;

/// <summary>One cycle of a run: its report, or the error it ended with, and the proxy's calls during it.</summary>
public sealed record CycleRun(int Index, CycleReport? Report, Exception? Error, IReadOnlyList<ProxiedCall> Calls)
{
    /// <summary>
    /// Reads that failed after every retry: runs of <see cref="FaultWorld.MaxRetries"/> + 1 consecutive attempts of the
    /// same request (same service, Region, operation and body), every one answered with a fault. The engine runs its
    /// calls one after another, so a request's retries follow each other.
    /// </summary>
    public IReadOnlyList<ProxiedCall> GaveUp
    {
        get
        {
            var gaveUp = new List<ProxiedCall>();
            for (var i = 0; i < Calls.Count;)
            {
                var j = i;
                while (j < Calls.Count && Same(Calls[j], Calls[i])) j++;
                var attempts = Calls.Skip(i).Take(j - i).ToList();
                // each block of MaxRetries + 1 faulted attempts is one call given up (a read can be sent again later)
                var faultedInARow = 0;
                foreach (var attempt in attempts)
                {
                    faultedInARow = attempt.Fault is null ? 0 : faultedInARow + 1;
                    if (faultedInARow == FaultWorld.MaxRetries + 1)
                    {
                        gaveUp.Add(attempt);
                        faultedInARow = 0;
                    }
                }
                i = j;
            }
            return gaveUp;
        }
    }

    private static bool Same(ProxiedCall a, ProxiedCall b) => a.Service == b.Service && a.Region == b.Region && a.Operation == b.Operation && a.Body == b.Body;
}

/// <summary>What a run of several cycles left behind, read back with the proxy off.</summary>
public sealed record RunResult(IReadOnlyList<CycleRun> Cycles, IReadOnlyList<Dictionary<string, AttributeValue>> Audit,
    IReadOnlyList<System.Text.Json.Nodes.JsonObject> Requests, IReadOnlyList<IReadOnlyList<string>> RequestedPerPeriod, TimeSpan Elapsed)
{
    /// <summary>Quotas that got an increase request, as "service/code@region".</summary>
    public IReadOnlySet<string> Requested => Requests.Select(r => $"{r["ServiceCode"]}/{r["QuotaCode"]}@{r["Region"]}").ToHashSet();

    public static async Task<RunResult> RunAsync(FaultWorld world, double rate, int cycles, int approveAfter)
    {
        var clock = Stopwatch.StartNew();
        var runs = new List<CycleRun>();
        var periods = new List<IReadOnlyList<string>>();
        var seen = 0;
        using var backend = world.Backend();
        for (var i = 0; i < cycles; i++)
        {
            var engine = world.Engine(backend, $"c{i}");
            var from = world.Proxy.Calls.Count;
            world.Proxy.Rate = rate;
            CycleReport? report = null;
            Exception? error = null;
            try
            {
                report = await engine.RunCycleAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                error = e;
            }
            world.Proxy.Rate = 0;
            runs.Add(new CycleRun(i, report, error, world.Proxy.Calls.Skip(from).ToList()));
            if (i == approveAfter)
            {
                // AWS approves what is pending: a new period, in which each quota may be requested once more.
                var requests = world.Quotas.Requests;
                periods.Add(requests.Skip(seen).Select(Quota).ToList());
                seen = requests.Count;
                foreach (var r in requests.Where(r => (string?)r["Status"] == "PENDING")) world.Quotas.Decide((string)r["Id"]!, "APPROVED");
            }
            world.Time.Advance(TimeSpan.FromMinutes(5));
        }
        var all = world.Quotas.Requests;
        periods.Add(all.Skip(seen).Select(Quota).ToList());
        var audit = await ScanAsync(backend, backend.Options.AuditTable);
        return new RunResult(runs, audit, all, periods, clock.Elapsed);
    }

    private static string Quota(System.Text.Json.Nodes.JsonObject r) => $"{r["ServiceCode"]}/{r["QuotaCode"]}@{r["Region"]}";

    public static async Task<IReadOnlyList<Dictionary<string, AttributeValue>>> ScanAsync(AwsBackend backend, string table)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? next = null;
        do
        {
            var page = await backend.Dynamo.ScanAsync(new ScanRequest { TableName = table, ExclusiveStartKey = next, ConsistentRead = true }, CancellationToken.None);
            items.AddRange(page.Items);
            next = page.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        }
        while (next is not null);
        return items;
    }

    public static string S(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var v) ? v.S ?? "" : "";

    /// <summary>Every rule's decision kind per cycle (null for a cycle that ended in an error).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, QuotaDecision>?> Decisions =>
        Cycles.Select(c => (IReadOnlyDictionary<string, QuotaDecision>?)c.Report?.Rules.ToDictionary(r => r.Decision.RuleId, r => r.Decision)).ToList();
}
