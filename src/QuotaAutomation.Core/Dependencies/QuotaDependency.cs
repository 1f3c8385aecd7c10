namespace QuotaAutomation.Core.Dependencies;

/// <summary>
/// One edge of the dependency map: growth of the source quota (<paramref name="FromService"/>/<paramref name="FromCode"/>,
/// counted in <paramref name="FromUnit"/>) consumes <paramref name="PerUnit"/> of the dependent quota per unit, in the same
/// account and Region. <paramref name="Provenance"/> says where the ratio comes from (AWS documentation).
/// </summary>
public sealed record QuotaDependency(
    string FromService,
    string FromCode,
    string FromUnit,
    string ToService,
    string ToCode,
    string ToNoun,
    DependencyBasis Basis,
    double PerUnit,
    string Provenance)
{
    /// <summary>The source as the map and reasons write it: <c>ec2/L-1216C47A</c>.</summary>
    public string From => $"{FromService}/{FromCode}";

    /// <summary>The dependent as the map and reasons write it: <c>vpc/L-DF5E4CA3</c>.</summary>
    public string To => $"{ToService}/{ToCode}";
}
