using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Cli.Json;

/// <summary>
/// <c>simulate fleet --output json</c>: the modelled cycle, its calls and bill, and whether the targets are met.
/// Only figures that one seed fixes are here (this machine's execution times are printed to standard error), so two
/// runs with one seed write the same document.
/// </summary>
internal sealed record FleetDocument(FleetSizeDocument Fleet, FleetCycleDocument Cycle, FleetSummaryDocument Summary, IReadOnlyList<CallStats> Calls,
    FleetBillDocument Bill, IReadOnlyList<FleetTargetDocument> Targets, IReadOnlyList<string> Executed, IReadOnlyList<string> Modelled);

internal sealed record FleetSizeDocument(int Accounts, int Regions, int Quotas, int Services, int Shards, int Shapes, int ExecutedShards, int Seed,
    string Usage, double CadenceShare, bool WarmHistory, int MaxConcurrency, int ItemsPerBatch, int ShardsAtOnce, int LambdaMemoryMb, double CycleMinutes);

internal sealed record FleetCycleDocument(double MakespanSeconds, double PlanSeconds, double MapSeconds, double SummarySeconds, int ChildExecutions,
    int PeakChildExecutions, int LambdaInvocations, int ColdStarts, int PeakLambdaConcurrency, int LambdaWaits, int LambdaTimeouts, double LambdaGbSeconds,
    double ExpressGbSeconds, long StandardTransitions, double DynamoDbReadUnits, double DynamoDbWriteUnits, long MetricsRequested, long ThrottledAttempts,
    long FailedAfterRetries, int ShardsRunOnce, int ShardsNotRunOnce);

/// <summary>What the summary step reports for the cycle (FleetSummary over every shard's result).</summary>
internal sealed record FleetSummaryDocument(string Status, int Shards, int Ok, int Partial, int Failed, int Rules, int Actions, int Errors);

internal sealed record FleetBillDocument(string Region, double CyclesPerMonth, IReadOnlyList<BillLine> Lines, double TotalUsdPerMonth);

internal sealed record FleetTargetDocument(string Target, string Value, bool Met);

internal static class FleetJson
{
    public static FleetDocument From(FleetSimulationReport report, PriceList prices, IReadOnlyList<FleetTargetDocument> targets)
    {
        var o = report.Options;
        var c = report.Cycle;
        return new FleetDocument(
            new FleetSizeDocument(o.Accounts, o.Regions, o.Quotas, o.Services, report.Shards, report.Shapes, report.ExecutedShards, o.Seed,
                o.Usage.ToString().ToLowerInvariant(), o.CadenceShare, o.WarmHistory, o.Cycle.MaxConcurrency, o.Cycle.ItemsPerBatch, o.Cycle.ShardsAtOnce,
                o.Cycle.LambdaMemoryMb, o.CycleEvery.TotalMinutes),
            new FleetCycleDocument(Seconds(c.Makespan), Seconds(c.PlanDuration), Seconds(c.MapDuration), Seconds(c.SummaryDuration), c.ChildExecutions,
                c.PeakChildren, c.LambdaInvocations, c.ColdStarts, c.PeakLambdaConcurrency, c.LambdaWaits, c.LambdaTimeouts, Round(c.LambdaGbSeconds),
                Round(c.ExpressGbSeconds), c.StandardTransitions, Round(c.ReadUnits), Round(c.WriteUnits), c.MetricsRequested, c.Throttled, c.FailedAfterRetries,
                c.RunsPerShard.Count(r => r == 1), c.RunsPerShard.Count(r => r != 1)),
            new FleetSummaryDocument(report.Summary.Status, report.Summary.Shards, report.Summary.Ok, report.Summary.Partial, report.Summary.Failed,
                report.Summary.Rules, report.Summary.Actions, report.Summary.Errors),
            c.Calls,
            new FleetBillDocument(prices.Region, report.Bill.CyclesPerMonth,
                [.. report.Bill.Lines.Select(l => l with { Quantity = Round(l.Quantity), Usd = Math.Round(l.Usd, 2) })], Math.Round(report.Bill.TotalUsd, 2)),
            targets, FleetText.Executed(report), FleetText.Modelled(report));
    }

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);

    private static double Round(double value) => Math.Round(value, 3);
}
