using System.Globalization;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Events;

/// <summary>How far a usage spike stands above normal.</summary>
public enum SpikeLevel
{
    Low,
    /// <summary>At least 2× the baseline: alert.</summary>
    Medium,
    /// <summary>At least 3× the baseline: alert and re-evaluate the quota now.</summary>
    High,
}

/// <summary>A spike's size against the recent baseline, with the figures it rests on.</summary>
public sealed record SpikeAssessment(SpikeLevel Level, double Ratio, double Baseline, string Reason);

/// <summary>
/// Classifies a usage spike (seed, Example 2): ratio of the reported usage to the baseline, the median of the last
/// 24 hours of history (a median, so earlier spikes do not raise the baseline). ≥ 3× high, ≥ 2× medium.
/// </summary>
public static class SpikeClassifier
{
    public static readonly TimeSpan BaselineWindow = TimeSpan.FromHours(24);

    public static SpikeAssessment Classify(double currentUsage, IReadOnlyList<UsageSample> history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        var from = now - BaselineWindow;
        var window = new List<double>();
        for (var i = 0; i < history.Count; i++)
            if (history[i].Timestamp > from && history[i].Timestamp <= now) window.Add(history[i].Value);
        window.Sort();
        if (window.Count == 0)
            return new SpikeAssessment(SpikeLevel.Low, double.NaN, double.NaN, "no usage history in the last 24 h to compare with");
        var baseline = window.Count % 2 == 1 ? window[window.Count / 2] : (window[window.Count / 2 - 1] + window[window.Count / 2]) / 2;
        var ratio = baseline > 0 ? currentUsage / baseline : currentUsage > 0 ? double.PositiveInfinity : 1;
        var level = ratio >= 3 ? SpikeLevel.High : ratio >= 2 ? SpikeLevel.Medium : SpikeLevel.Low;
        return new SpikeAssessment(level, ratio, baseline, string.Create(CultureInfo.InvariantCulture,
            $"usage {currentUsage:0.##} is {ratio:0.##}× the 24 h median {baseline:0.##}: {level.ToString().ToLowerInvariant()}"));
    }
}
