using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Cli.Json;

/// <summary>
/// <c>simulate fleet --output json</c>: the simulated day, its first and busiest cycles, its calls and bill, and whether
/// the targets are met. Only figures that one seed fixes are here (this machine's execution times are printed
/// to standard error), so two runs with one seed write the same document.
/// </summary>
internal sealed record FleetDocument(FleetSizeDocument Fleet, FleetDayDocument Day, FleetCycleDocument? FirstCycle, FleetCycleDocument BusiestCycle,
    FleetSummaryDocument Summary, IReadOnlyList<DayCalls> Calls, FleetBillDocument Bill, IReadOnlyList<FleetTargetDocument> Targets,
    IReadOnlyList<string> Executed, IReadOnlyList<string> Modelled)
{
    /// <summary>The audit table's storage at steady state: beside the bill, not in its total.</summary>
    public FleetStorageDocument? AuditStorage { get; init; }

    /// <summary>The steady cycles' usage reads by cadence reason (<see cref="CadenceReasonsTable"/>).</summary>
    public IReadOnlyList<CadenceReasonDocument> ReadsByReason { get; init; } = [];

    /// <summary>Where the modelled Lambda time went, by cause (docs/fleet-waits.md).</summary>
    public IReadOnlyList<InvocationCauseDocument> LambdaTimeByCause { get; init; } = [];
}

/// <summary>A table's storage at steady state: a day's bytes kept <paramref name="RetentionDays"/> days, at a price per GB-month.</summary>
internal sealed record FleetStorageDocument(double BytesADay, double RetentionDays, double SteadyStateGb, double UsdPerGbMonth, double UsdPerMonth);

internal sealed record FleetSizeDocument(int Accounts, int Regions, int Quotas, int Services, int Shards, string Profile, IReadOnlyList<FleetStratum> Strata, int ExecutedShards, int Seed,
    int Hours, int MaxConcurrency, int ItemsPerBatch, int ShardsAtOnce, int LambdaMemoryMb, double CycleMinutes);

/// <summary>The day's steady cycles: shard runs, the share of quotas read in detail, and the cycles modelled.</summary>
/// <param name="OnboardingCycles">Cycles that admit every new shard (new shards a cycle capped); the first cycle is the busiest of them, <paramref name="BusiestOnboardingCycle"/> (0-based).</param>
internal sealed record FleetDayDocument(int Cycles, long ShardRuns, int LeastShardsInACycle, int MostShardsInACycle, double DetailedShare, int ModelledCycles,
    int OnboardingCycles, int BusiestOnboardingCycle, int NewShardsPerCycle);

internal sealed record FleetCycleDocument(int Cycle, int DueShards, double MakespanSeconds, double PlanSeconds, double MapSeconds, double SummarySeconds,
    int ChildExecutions, int PeakChildExecutions, int LambdaInvocations, int ColdStarts, int PeakLambdaConcurrency, int LambdaWaits, int LambdaTimeouts,
    double LambdaGbSeconds, double DynamoDbReadUnits, double DynamoDbWriteUnits, long MetricsRequested, long ThrottledAttempts, long FailedAfterRetries,
    IReadOnlyList<CallStats> Calls);

/// <summary>What the summary step reports for the busiest cycle (FleetSummary over its shards' results).</summary>
internal sealed record FleetSummaryDocument(string Status, int Shards, int Ok, int Partial, int Failed, int Rules, int Actions, int Errors);

internal sealed record FleetBillDocument(string Region, double DaysPerMonth, IReadOnlyList<BillLine> Lines, double TotalUsdPerMonth);

internal sealed record FleetTargetDocument(string Target, string Value, bool Met);

internal static class FleetJson
{
    public static FleetDocument From(FleetSimulationReport report, PriceList prices, IReadOnlyList<FleetTargetDocument> targets)
    {
        var o = report.Options;
        var steady = report.RunsPerCycle.Skip(1).DefaultIfEmpty(0).ToList();
        return new FleetDocument(
            new FleetSizeDocument(o.Accounts, o.Regions, o.Quotas, o.Services, report.Shards, o.Usage.Name, report.Strata, report.Executed.Count, o.Seed,
                o.Hours, o.Cycle.MaxConcurrency, o.Cycle.ItemsPerBatch, o.Cycle.ShardsAtOnce, o.Cycle.LambdaMemoryMb, FleetSimulationOptions.CycleEvery.TotalMinutes),
            new FleetDayDocument(o.SteadyCycles, report.SteadyRuns, steady.Min(), steady.Max(), Math.Round(report.DetailedShare, 4), report.ModelledCycles,
                report.OnboardingCycles, report.BusiestOnboarding, o.NewShardsPerCycle),
            Cycle(report.First), Cycle(report.Busiest)!, // the busiest cycle is always modelled
            new FleetSummaryDocument(report.Summary.Status, report.Summary.Shards, report.Summary.Ok, report.Summary.Partial, report.Summary.Failed,
                report.Summary.Rules, report.Summary.Actions, report.Summary.Errors),
            report.Calls,
            new FleetBillDocument(prices.Region, Math.Round(FleetBill.AverageMonth.TotalDays * 24 / o.Hours, 4),
                [.. report.Bill.Lines.Select(l => l with { Quantity = Round(l.Quantity), Usd = Math.Round(l.Usd, 2) })], Math.Round(report.Bill.TotalUsd, 2)),
            targets, FleetText.Executed(report), FleetText.Modelled(report))
        {
            AuditStorage = report.AuditStorage is { } s
                ? new FleetStorageDocument(Math.Round(s.BytesADay), s.Retention.TotalDays, Round(s.SteadyStateGb), s.Price.UsdPerUnit, Math.Round(s.UsdPerMonth, 2))
                : null,
            ReadsByReason = CadenceReasonsTable.Rows(report),
            LambdaTimeByCause = InvocationTimeTable.Rows(report),
        };
    }

    /// <summary>A modelled cycle; null when it was not modelled (the first cycle over its cap).</summary>
    private static FleetCycleDocument? Cycle(ModelledCycle cycle)
    {
        if (cycle.Result is not { } c) return null;
        return new FleetCycleDocument(cycle.Cycle, cycle.DueShards, Seconds(c.Makespan), Seconds(c.PlanDuration), Seconds(c.MapDuration), Seconds(c.SummaryDuration),
            c.ChildExecutions, c.PeakChildren, c.LambdaInvocations, c.ColdStarts, c.PeakLambdaConcurrency, c.LambdaWaits, c.LambdaTimeouts, Round(c.LambdaGbSeconds),
            Round(c.ReadUnits), Round(c.WriteUnits), c.MetricsRequested, c.Throttled, c.FailedAfterRetries, c.Calls);
    }

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);

    private static double Round(double value) => Math.Round(value, 3);
}
