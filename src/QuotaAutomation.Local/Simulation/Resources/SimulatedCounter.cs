using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Local.Simulation.Resources;

/// <summary>
/// How one quota is observed, on AWS and in the simulated account: the source AWS's counter of the same name uses
/// (<see cref="SourceName"/>, <see cref="Kind"/>) and what it counts, per <see cref="Scope"/>.
/// </summary>
/// <param name="Counted">What is counted, plural, as a decision names it ("vpc-0abc has 196 of 200 subnets").</param>
public sealed record SimulatedCounter(string ServiceCode, string QuotaCode, CountScope Scope, UsageSourceKind Kind, string SourceName, string Counted)
{
    /// <summary>
    /// The inventory's kind it counts (<see cref="ResourceFamily.Kind"/>); for <see cref="CountScope.Resource"/>, per
    /// parent. Null: the simulated account keeps the quota's usage shape (<see cref="UsageProfile"/>: the tour's
    /// request and approval paths rest on it), and the source only says how AWS would observe it.
    /// </summary>
    public string? Family { get; init; }

    /// <summary>For a quota on an amount: the resources' sizes summed and divided by this (1,024 GiB to a TiB); 0 counts resources.</summary>
    public double SizeDivisor { get; init; }
}
