namespace QuotaAutomation.Core.Dependencies;

/// <summary>How a dependency's ratio is known.</summary>
public enum DependencyBasis
{
    /// <summary>A documented number of the dependent per unit of the source (one default security group per VPC).</summary>
    Fixed,

    /// <summary>
    /// The account's own mix: the dependent's current usage per unit of its sources' current usage (gp3 TiB per running
    /// vCPU at the volume sizes in use); the entry's ratio only when the sources are not in use.
    /// </summary>
    InUse,
}
