using QuotaAutomation.Core.Decisions;

namespace QuotaAutomation.Core.Rules;

/// <summary>Utilisation percentages; the parser guarantees 0 &lt; Warning &lt; Critical &lt; Emergency ≤ 100.</summary>
public sealed record Thresholds(double Warning, double Critical, double Emergency)
{
    public static Thresholds Default { get; } = new(70, 85, 95);

    /// <summary>The band a utilisation falls in, or null below warning.</summary>
    public Severity? SeverityOf(double utilizationPercent) => utilizationPercent switch
    {
        _ when utilizationPercent >= Emergency => Severity.Emergency,
        _ when utilizationPercent >= Critical => Severity.Critical,
        _ when utilizationPercent >= Warning => Severity.Warning,
        _ => null,
    };
}
