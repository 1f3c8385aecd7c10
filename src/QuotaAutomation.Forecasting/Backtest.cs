using System.Globalization;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Forecasting;

/// <summary>One forecaster's peak forecast at a grid point, with an interval and quantiles when it has them.</summary>
public readonly record struct PeakForecast(double Peak, double? Lower, double? Upper, PeakQuantiles? Quantiles = null);

/// <summary>
/// A contender's quantile figures on one trace and horizon: MASE of its p50 (scaled like <see cref="Score.Mase"/>),
/// pinball loss per level ÷ the mean actual peak (scale-free), coverage per level (share of actual peaks at or below
/// the quantile), and its summed pinball loss ÷ the seasonal-naive quantile baseline's on the same origins.
/// </summary>
public readonly record struct QuantileFigures(double Mase50, double Pinball50, double Pinball90, double Pinball99,
    double Coverage50, double Coverage90, double Coverage99, double PinballVsSeasonalNaive);

/// <summary>A forecaster under test: a name and a function of (grid, origin index, horizon).</summary>
public sealed record Contender(string Name, Func<UsageGrid, int, TimeSpan, PeakForecast> Forecast);

/// <summary>Figures of one contender on one trace and horizon.</summary>
public sealed record Score(string Trace, string Model, double HorizonHours, int Origins, double Mase, double Smape, double? Coverage,
    double? LeadTimeHours, double? FalseWarningRate, QuantileFigures? Quantiles = null);

/// <summary>Per model and horizon, the median over traces of each figure of <see cref="Score"/> (null when none had it).</summary>
/// <remarks><c>WarnedShare</c>: the share of traces whose quota crossing the contender warned of at least one origin ahead.</remarks>
public sealed record ScoreMedian(string Model, double HorizonHours, double Mase, double Smape, double? Coverage, double? LeadTimeHours,
    double? FalseWarningRate, double? WarnedShare, int Traces, double? Mase50 = null, double? Pinball50 = null, double? Pinball90 = null,
    double? Pinball99 = null, double? Coverage50 = null, double? Coverage90 = null, double? Coverage99 = null, double? PinballVsSeasonalNaive = null);

/// <summary>
/// Rolling-origin backtest on the held-out last 20 % of each trace (the part the model never trained on): an origin
/// every hour, the peak over each horizon compared with what happened. MASE is scaled by the seasonal-naive (daily)
/// forecast's error on the same origins, so seasonal naive scores 1. Breach warnings (24 h horizon only): a quota is
/// placed at 90 % of the held-out maximum, so the trace crosses it; lead time is how long before the first crossing the
/// contender's forecast first reached the quota without interruption, and the false-warning rate is the share of its
/// warnings after which usage stayed below the quota. The quota is 90 % of the held-out maximum after the first day of
/// origins, and only a crossing after that day counts, so every contender has had a day in which to warn.
/// </summary>
public static class Backtest
{
    public const double TestShare = 0.2;
    public const double BreachLevel = 0.9;

    /// <summary>The seasonal-naive quantile baseline every contender's pinball loss is compared with.</summary>
    public const string QuantileBaseline = "seasonal-naive-q";

    public static IReadOnlyList<Contender> Contenders(ForecastModel? model)
    {
        var trend = new TrendForecaster();
        var list = new List<Contender>
        {
            new("seasonal-naive", (g, i, h) => new(SeasonalNaive(g, i, h), null, null)),
            RatioBaseline(QuantileBaseline, (g, i, h) => SeasonalNaive(g, i, h)),
            RatioBaseline("last-week-peak-q", (g, i, h) => ForecastFeatures.PeakOverLast(g, i, TimeSpan.FromDays(7))),
            new("naive", (g, i, h) => new(g.Values[i], null, null)),
            new("last-week-peak", (g, i, h) => new(ForecastFeatures.PeakOverLast(g, i, TimeSpan.FromDays(7)), null, null)),
            new("linear-trend", (g, i, h) => new(LinearTrend(g, i, h), null, null)),
            new("fallback", (g, i, h) =>
            {
                var f = trend.Predict(Samples(g, i, TimeSpan.FromDays(7)), g.TimeAt(i), h);
                return new(Math.Max(f.Peak, g.Values[i]), f.Lower, f.Upper, f.Quantiles);
            }),
        };
        if (model is not null)
            list.Add(new("fasttree", (g, i, h) =>
            {
                var f = model.PredictPeak(g, i, h);
                return new(f.Peak, f.Lower, f.Upper, f.Quantiles);
            }));
        return list;
    }

    /// <summary>
    /// A quantile baseline: the baseline × the 50th/90th/99th percentiles of the ratios actual peak ÷ baseline at every
    /// hour of the trace's part before the test part (<see cref="RatioQuantiles"/>); its point is its p50. Too few
    /// ratios: the baseline at every level.
    /// </summary>
    public static Contender RatioBaseline(string name, Func<UsageGrid, int, TimeSpan, double> baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var ratios = new System.Runtime.CompilerServices.ConditionalWeakTable<UsageGrid, Dictionary<TimeSpan, List<double>>>();
        return new(name, (g, i, h) =>
        {
            var byHorizon = ratios.GetOrCreateValue(g);
            if (!byHorizon.TryGetValue(h, out var list))
                byHorizon[h] = list = RatioQuantiles.Ratios(g, ForecastFeatures.Steps(g, TimeSpan.FromDays(1)), TestStart(g), h, (grid, j) => baseline(grid, j, h));
            var now = baseline(g, i, h);
            var q = RatioQuantiles.Of(now, list) ?? PeakQuantiles.Point(now);
            return new(q.P50, null, null, q);
        });
    }

    /// <summary>The first index of a grid's test part (the last <see cref="TestShare"/>).</summary>
    public static int TestStart(UsageGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return (int)(grid.Values.Count * (1 - TestShare));
    }

    /// <summary>The pinball (quantile) loss of <paramref name="quantile"/> at <paramref name="level"/> for what happened.</summary>
    public static double Pinball(double level, double actual, double quantile) =>
        actual >= quantile ? level * (actual - quantile) : (1 - level) * (quantile - actual);

    public static IReadOnlyList<Score> Run(IReadOnlyList<TraceFile> traces, IReadOnlyList<Contender> contenders, IReadOnlyList<double> horizonsHours, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(contenders);
        ArgumentNullException.ThrowIfNull(horizonsHours);
        var scores = new List<Score>();
        foreach (var trace in traces)
        {
            progress?.Invoke(trace.Name);
            var grid = UsageGrid.Resample(trace.Samples);
            var split = TestStart(grid);
            var first = Math.Max(split, (int)Math.Ceiling(ForecastFeatures.MinHistory / grid.Step));
            var stride = Math.Max(1, (int)Math.Round(TimeSpan.FromHours(1) / grid.Step));
            foreach (var hours in horizonsHours)
            {
                var horizon = TimeSpan.FromHours(hours);
                var steps = Math.Max(1, (int)Math.Round(horizon / grid.Step));
                var origins = Enumerable.Range(0, Math.Max(0, grid.Values.Count - steps - first)).Select(k => first + k).Where(i => (i - first) % stride == 0).ToList();
                if (origins.Count < 3) continue;
                var actual = origins.Select(i => grid.Values.Skip(i + 1).Take(steps).Max()).ToList();
                var forecasts = contenders.ToDictionary(c => c.Name, c => origins.Select(i => c.Forecast(grid, i, horizon)).ToList());
                var scale = Mean(forecasts["seasonal-naive"].Zip(actual, (f, a) => Math.Abs(f.Peak - a)));
                // The quota is crossed only after a day of origins, so every contender has had the chance to warn.
                var perDay = (int)Math.Round(TimeSpan.FromDays(1) / grid.Step);
                var quota = origins[0] + perDay < grid.Values.Count ? BreachLevel * grid.Values.Skip(origins[0] + perDay).Max() : double.PositiveInfinity;
                foreach (var contender in contenders)
                {
                    var f = forecasts[contender.Name];
                    var mae = Mean(f.Zip(actual, (p, a) => Math.Abs(p.Peak - a)));
                    var smape = Mean(f.Zip(actual, (p, a) => Math.Abs(p.Peak) + Math.Abs(a) == 0 ? 0 : 2 * Math.Abs(p.Peak - a) / (Math.Abs(p.Peak) + Math.Abs(a))));
                    double? coverage = f[0].Lower is null ? null : f.Zip(actual).Count(x => x.Second >= x.First.Lower && x.Second <= x.First.Upper) / (double)f.Count;
                    var (lead, falseRate) = hours == 24 ? Warnings(grid, origins, f, quota, perDay) : (null, null);
                    scores.Add(new Score(trace.Name, contender.Name, hours, origins.Count, scale > 0 ? mae / scale : double.NaN, smape, coverage, lead, falseRate,
                        QuantileScore(f, actual, scale, forecasts.GetValueOrDefault(QuantileBaseline))));
                }
            }
        }
        return scores;
    }

    /// <summary>One trace's held-out origins with what happened and what each contender forecast (for plots).</summary>
    public static (IReadOnlyList<DateTimeOffset> Times, IReadOnlyList<double> Actual, IReadOnlyDictionary<string, IReadOnlyList<double>> Forecasts) Series(
        TraceFile trace, IReadOnlyList<Contender> contenders, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(contenders);
        var grid = UsageGrid.Resample(trace.Samples);
        var first = Math.Max((int)(grid.Values.Count * (1 - TestShare)), (int)Math.Ceiling(ForecastFeatures.MinHistory / grid.Step));
        var stride = Math.Max(1, (int)Math.Round(TimeSpan.FromHours(1) / grid.Step));
        var steps = Math.Max(1, (int)Math.Round(horizon / grid.Step));
        var origins = Enumerable.Range(first, Math.Max(0, grid.Values.Count - steps - first)).Where(i => (i - first) % stride == 0).ToList();
        return (origins.Select(grid.TimeAt).ToList(),
            origins.Select(i => grid.Values.Skip(i + 1).Take(steps).Max()).ToList(),
            contenders.ToDictionary(c => c.Name, c => (IReadOnlyList<double>)origins.Select(i => c.Forecast(grid, i, horizon).Peak).ToList()));
    }

    /// <summary>Per model and horizon: the median of each figure over the traces (NaN figures left out).</summary>
    public static IReadOnlyList<ScoreMedian> Medians(IReadOnlyList<Score> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.GroupBy(s => (s.Model, s.HorizonHours)).Select(g =>
        {
            var q = g.Where(s => s.Quantiles is not null).Select(s => s.Quantiles!.Value).ToList(); // filtered
            double? Of(Func<QuantileFigures, double> figure) => Stats.Median(q.Select(figure));
            return new ScoreMedian(g.Key.Model, g.Key.HorizonHours,
                Stats.Median(g.Select(s => s.Mase)) ?? double.NaN,
                Stats.Median(g.Select(s => s.Smape)) ?? double.NaN,
                Stats.Median(g.Where(s => s.Coverage is not null).Select(s => s.Coverage!.Value)), // filtered above
                Stats.Median(g.Where(s => s.LeadTimeHours is not null).Select(s => s.LeadTimeHours!.Value)),
                Stats.Median(g.Where(s => s.FalseWarningRate is not null).Select(s => s.FalseWarningRate!.Value)),
                g.Any(s => s.LeadTimeHours is not null) ? g.Count(s => s.LeadTimeHours > 0) / (double)g.Count(s => s.LeadTimeHours is not null) : null,
                g.Count(),
                Of(x => x.Mase50), Of(x => x.Pinball50), Of(x => x.Pinball90), Of(x => x.Pinball99),
                Of(x => x.Coverage50), Of(x => x.Coverage90), Of(x => x.Coverage99), Of(x => x.PinballVsSeasonalNaive));
        }).OrderBy(m => m.HorizonHours).ThenBy(m => m.Mase).ToList();
    }

    private static QuantileFigures? QuantileScore(List<PeakForecast> forecasts, List<double> actual, double scale, List<PeakForecast>? baseline)
    {
        if (forecasts.Any(f => f.Quantiles is null)) return null;
        var q = forecasts.Select(f => f.Quantiles!).ToList(); // checked above
        var meanActual = actual.Average();
        double Loss(IReadOnlyList<PeakQuantiles> quantiles, double level) => Mean(quantiles.Zip(actual, (x, a) => Pinball(level, a, x.At(level))));
        double Scaled(double loss) => meanActual > 0 ? loss / meanActual : double.NaN;
        double Covered(double level) => q.Zip(actual).Count(x => x.Second <= x.First.At(level)) / (double)actual.Count;
        double Total(IReadOnlyList<PeakQuantiles> quantiles) => PeakQuantiles.Levels.Sum(level => Loss(quantiles, level));
        var baselineTotal = baseline is null || baseline.Any(f => f.Quantiles is null) ? double.NaN : Total(baseline.Select(f => f.Quantiles!).ToList()); // checked
        return new QuantileFigures(
            scale > 0 ? Mean(q.Zip(actual, (x, a) => Math.Abs(x.P50 - a))) / scale : double.NaN,
            Scaled(Loss(q, 0.5)), Scaled(Loss(q, 0.9)), Scaled(Loss(q, 0.99)),
            Covered(0.5), Covered(0.9), Covered(0.99),
            baselineTotal > 0 ? Total(q) / baselineTotal : double.NaN);
    }

    private static (double? Lead, double? FalseRate) Warnings(UsageGrid grid, List<int> origins, List<PeakForecast> forecasts, double quota, int perDay)
    {
        var from = origins[0] + perDay;
        var crossing = from >= grid.Values.Count ? -1 : Enumerable.Range(from, grid.Values.Count - from).FirstOrDefault(i => grid.Values[i] > quota, -1);
        var warned = origins.Select((o, k) => (Origin: o, Warn: forecasts[k].Peak >= quota)).ToList();
        var warnings = warned.Where(w => w.Warn).ToList();
        double? falseRate = warnings.Count == 0 ? null
            : warnings.Count(w => grid.Values.Skip(w.Origin + 1).Take((int)Math.Round(TimeSpan.FromHours(24) / grid.Step)).Max() <= quota) / (double)warnings.Count;
        if (crossing < 0) return (null, falseRate);
        // The first warning of the unbroken run of warnings that reaches the crossing.
        var before = warned.Where(w => w.Origin < crossing).ToList();
        var run = before.AsEnumerable().Reverse().TakeWhile(w => w.Warn).LastOrDefault();
        double lead = run.Warn ? (crossing - run.Origin) * grid.Step.TotalHours : 0;
        return (lead, falseRate);
    }

    /// <summary>Daily seasonal naive (the same function the model's target is relative to).</summary>
    public static double SeasonalNaive(UsageGrid grid, int index, TimeSpan horizon) => ForecastFeatures.SeasonalNaivePeak(grid, index, horizon);

    /// <summary>A least-squares line over the last day, extended over the horizon: the higher of its two ends.</summary>
    public static double LinearTrend(UsageGrid grid, int index, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var perDay = (int)Math.Round(TimeSpan.FromDays(1) / grid.Step);
        var from = Math.Max(0, index - perDay + 1);
        var (now, slope) = LeastSquares.Line(grid.Values, from, index - from + 1);
        var end = now + slope * (horizon / grid.Step);
        return Math.Max(0, Math.Max(now, end));
    }

    private static List<UsageSample> Samples(UsageGrid grid, int index, TimeSpan window)
    {
        var from = Math.Max(0, index - (int)(window / grid.Step));
        return Enumerable.Range(from, index - from + 1).Select(i => new UsageSample(grid.TimeAt(i), grid.Values[i])).ToList();
    }

    private static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(0).Average();

    public static string Format(double? value, string format = "0.###") => value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
