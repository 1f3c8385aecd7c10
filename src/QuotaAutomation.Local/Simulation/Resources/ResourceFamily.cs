namespace QuotaAutomation.Local.Simulation.Resources;

/// <summary>
/// One kind of resource of the simulated account (VPCs, subnets, security group rules, gp3 volumes): how many there
/// are and, for a kind that belongs to another (subnets to VPCs), how many each parent has.
/// </summary>
/// <param name="Kind">Its name in the inventory; also what its ids and draws are derived from.</param>
/// <param name="IdPrefix">AWS's id prefix (<c>vpc</c>, <c>sg</c>, <c>eni</c>, <c>rtb</c>): ids are the prefix, "-0" and 16 hex digits drawn from the seed.</param>
/// <param name="Parent">The kind each of these belongs to (<c>vpc</c> for subnets), or null for the account's own.</param>
/// <param name="Each">
/// Without a parent: how many there are. With one: the most a parent starts with and gains a day; each parent draws
/// its own share of both (at least one to start with, as a route table has its local route and a network interface a
/// security group).
/// </param>
public sealed record ResourceFamily(string Kind, string IdPrefix, string? Parent, Growth Each)
{
    /// <summary>The first parent's own growth, not drawn: the VPC near its subnets quota, the security group near its rules quota.</summary>
    public Growth? First { get; init; }

    /// <summary>Fixed names instead of drawn ids (Availability Zones), as many as there are.</summary>
    public IReadOnlyList<string>? Names { get; init; }

    /// <summary>Each resource's size, drawn uniformly in [Min, Max) (GiB of a volume, MiB of a function's code), for quotas on an amount.</summary>
    public (double Min, double Max)? Size { get; init; }
}
