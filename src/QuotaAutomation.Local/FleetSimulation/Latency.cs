namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// A call's round trip as a log-normal distribution given by its median and 99th percentile (milliseconds), drawn
/// from a seeded <see cref="Random"/>: most calls near the median, a long tail.
/// </summary>
public sealed record Latency(double MedianMs, double P99Ms)
{
    private const double Z99 = 2.3263478740408408; // the standard normal's 99th percentile

    public double SampleMs(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var sigma = P99Ms > MedianMs ? Math.Log(P99Ms / MedianMs) / Z99 : 0;
        // Box–Muller: 1 - NextDouble() is in (0, 1], so the logarithm is finite.
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return MedianMs * Math.Exp(sigma * z);
    }
}

/// <summary>An API rate: requests (or, for DynamoDB, request units) per second, and how many may come at once.</summary>
public sealed record Rate(double PerSecond, double Burst);
