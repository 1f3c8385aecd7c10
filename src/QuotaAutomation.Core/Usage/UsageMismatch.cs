using System.Globalization;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Usage;

/// <summary>
/// A quota observed two ways that disagree: its usage metric (which wins) and a count (which cross-checks it). Reported
/// when they differ by more than <see cref="Tolerance"/> of the larger and more than one unit: a metric lags its
/// resources by a period or two, so small differences are expected.
/// </summary>
public sealed record UsageMismatch(QuotaKey Key, double Metric, double Counted, string CountedBy)
{
    public const double Tolerance = 0.10;

    public static bool Differ(double metric, double counted) =>
        Math.Abs(metric - counted) > Math.Max(1, Tolerance * Math.Max(Math.Abs(metric), Math.Abs(counted)));

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Key}: the usage metric says {Metric:0.##}, {CountedBy} counts {Counted:0.##} (more than {Tolerance * 100:0}% apart); the metric is used");
}
