namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// The shape of one simulated quota's usage, as fractions of its initial value: a base level that grows linearly per
/// day from the account's creation, a daily cycle peaking mid-afternoon UTC, a weekend dip, rare hour-long spikes and
/// small noise. Every value is a pure function of (seed, quota, time), so history can be read back at any time and two
/// runs with one seed see the same usage.
/// </summary>
public sealed record UsageProfile(
    double BaseFraction,
    double GrowthPerDay,
    double DailyAmplitude,
    double WeekendFactor,
    double SpikeChancePerHour,
    double SpikeSize,
    double Noise);
