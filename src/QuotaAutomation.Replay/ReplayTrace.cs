using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Forecasting;

namespace QuotaAutomation.Replay;

/// <summary>
/// A trace made into one quota's usage under a scenario: on its grid (median step, a bucket's max, gaps repeat the
/// previous value), scaled so the warm-up's 95th percentile is <see cref="ReplayScenario.WarmupP95"/>, and for
/// <see cref="ReplayScenario.Growth"/> multiplied by a ramp after the warm-up.
/// </summary>
public sealed class ReplayTrace
{
    private ReplayTrace(string name, UsageGrid grid, double[] usage, int firstEvaluated)
    {
        Name = name;
        Grid = grid;
        Usage = usage;
        FirstEvaluated = firstEvaluated;
    }

    public string Name { get; }

    public UsageGrid Grid { get; }

    /// <summary>Usage per grid step, scaled (and grown).</summary>
    public IReadOnlyList<double> Usage { get; }

    /// <summary>The first step that is decided on and counted; the steps before it are history only.</summary>
    public int FirstEvaluated { get; }

    public int Count => Usage.Count;

    public TimeSpan Step => Grid.Step;

    public DateTimeOffset TimeAt(int index) => Grid.TimeAt(index);

    private readonly Dictionary<int, double[]> _peaks = [];

    /// <summary>The highest usage over the <paramref name="span"/> ending at <paramref name="index"/> (inclusive).</summary>
    public double PeakOver(int index, TimeSpan span)
    {
        var steps = StepsIn(span);
        if (!_peaks.TryGetValue(steps, out var peaks)) _peaks[steps] = peaks = RollingMax(Usage, steps);
        return peaks[index];
    }

    /// <summary>Sliding-window maximum (a monotonic deque): O(n) for any window.</summary>
    private static double[] RollingMax(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        var deque = new LinkedList<int>();
        for (var i = 0; i < values.Count; i++)
        {
            while (deque.Count > 0 && values[deque.Last!.Value] <= values[i]) deque.RemoveLast();
            deque.AddLast(i);
            if (deque.First!.Value <= i - window) deque.RemoveFirst();
            result[i] = values[deque.First!.Value];
        }
        return result;
    }

    public int StepsIn(TimeSpan span) => Math.Max(1, (int)Math.Round(span / Grid.Step));

    /// <summary>The usage of the <paramref name="span"/> ending at the trace's last step (warm-up included when the trace is shorter).</summary>
    public IReadOnlyList<UsageSample> Last(TimeSpan span)
    {
        var from = TimeAt(Count - 1) - span;
        return Enumerable.Range(0, Count).Where(i => TimeAt(i) > from).Select(i => new UsageSample(TimeAt(i), Usage[i])).ToList();
    }

    public static ReplayTrace From(TraceFile trace, ReplayScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(scenario);
        return From(trace.Name, trace.Samples, scenario);
    }

    public static ReplayTrace From(string name, IReadOnlyList<UsageSample> samples, ReplayScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var grid = UsageGrid.Resample(samples);
        var values = grid.Values;
        var first = Math.Clamp((int)(values.Count * scenario.WarmupShare), 1, Math.Max(1, values.Count - 1));
        var p95 = Stats.Quantile(values.Take(first).Order().ToList(), 0.95);
        var scale = p95 > 0 ? scenario.WarmupP95 / p95 : 1;
        var last = Math.Max(1, values.Count - 1 - first);
        var usage = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            var ramp = scenario.Name == ReplayScenario.Growth && i > first ? 1 + (scenario.GrowthTo - 1) * (i - first) / last : 1;
            usage[i] = Math.Max(0, values[i]) * scale * ramp;
        }
        return new ReplayTrace(name, grid, usage, first);
    }
}
