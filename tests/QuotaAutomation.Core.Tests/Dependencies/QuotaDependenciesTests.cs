using QuotaAutomation.Core.Dependencies;

namespace QuotaAutomation.Core.Tests.Dependencies;

public class QuotaDependenciesTests
{
    private static string Map(string consumes, string from = "\"ec2/L-1216C47A\"") =>
        $$"""{ "dependencies": [ { "from": [{{from}}], "unit": "vCPUs", "consumes": [ {{consumes}} ] } ] }""";

    private const string Eni = """{ "quota": "vpc/L-DF5E4CA3", "noun": "network interfaces", "basis": "fixed", "per_unit": 0.25, "provenance": "docs" }""";

    [Fact]
    public void Default_IsTheShippedMap_EveryEdgeWithItsProvenance()
    {
        var map = QuotaDependencies.Default;

        Assert.Equal(35, map.Edges.Count); // 8 vCPU quotas × 3, and 11 more
        Assert.All(map.Edges, e => Assert.Contains("https://docs.aws.amazon.com/", e.Provenance, StringComparison.Ordinal));
        Assert.Equal(["vpc/L-DF5E4CA3", "ebs/L-7A658B76", "ec2/L-0263D0A3"], map.ConsumedBy("ec2", "L-1216C47A").Select(e => e.To));
    }

    [Fact]
    public void Default_ListsEverySourceBeforeWhatItConsumes()
    {
        var order = QuotaDependencies.Default.SourcesFirst.ToList();

        Assert.All(QuotaDependencies.Default.Edges, e => Assert.True(order.IndexOf(e.From) < order.IndexOf(e.To), $"{e.From} → {e.To}"));
    }

    [Fact]
    public void Parse_ReadsAnEdgePerSource()
    {
        var map = QuotaDependencies.Parse(Map(Eni, "\"ec2/L-1216C47A\", \"ec2/L-DB2E81BA\"")).Value;

        Assert.Equal([("ec2/L-1216C47A", "vpc/L-DF5E4CA3", 0.25), ("ec2/L-DB2E81BA", "vpc/L-DF5E4CA3", 0.25)], map.Edges.Select(e => (e.From, e.To, e.PerUnit)));
    }

    [Fact]
    public void Parse_ReportsEveryBadFieldAtOnce()
    {
        var result = QuotaDependencies.Parse(Map("""{ "quota": "vpc L-DF5E4CA3", "noun": "", "basis": "measured", "per_unit": -1, "ratio": 2 }""", "\"ec2\""));

        Assert.Equal("quota-dependencies.json: dependencies[0].from[0]: 'ec2' must be a quota written service/L-code (e.g. vpc/L-DF5E4CA3); "
            + "quota-dependencies.json: dependencies[0].consumes[0]: 'ratio' is not a field of the map (quota, noun, basis, per_unit, provenance); "
            + "quota-dependencies.json: dependencies[0].consumes[0].quota: 'vpc L-DF5E4CA3' must be a quota written service/L-code (e.g. vpc/L-DF5E4CA3); "
            + "quota-dependencies.json: dependencies[0].consumes[0].noun: a non-empty text is required; "
            + "quota-dependencies.json: dependencies[0].consumes[0].provenance: a non-empty text is required; "
            + "quota-dependencies.json: dependencies[0].consumes[0].basis: \"measured\" must be fixed or in_use; "
            + "quota-dependencies.json: dependencies[0].consumes[0].per_unit: -1 must be a finite number ≥ 0 (units of the dependent per unit of the source)",
            result.Error);
    }

    [Fact]
    public void Parse_RefusesAQuotaConsumingItself()
    {
        var result = QuotaDependencies.Parse(Map(Eni, "\"vpc/L-DF5E4CA3\""));

        Assert.Equal("quota-dependencies.json: dependencies[0].consumes[0].quota: vpc/L-DF5E4CA3 cannot consume itself", result.Error);
    }

    [Fact]
    public void Parse_RefusesAnEdgeGivenTwice()
    {
        var result = QuotaDependencies.Parse(Map(Eni + ", " + Eni));

        Assert.Equal("quota-dependencies.json: ec2/L-1216C47A → vpc/L-DF5E4CA3 is given 2 times: give each dependency once", result.Error);
    }

    [Fact]
    public void Parse_RefusesACycle()
    {
        var result = QuotaDependencies.Parse("""
            { "dependencies": [
              { "from": ["ec2/L-1216C47A"], "unit": "vCPUs", "consumes": [ { "quota": "vpc/L-DF5E4CA3", "noun": "network interfaces", "basis": "fixed", "per_unit": 1, "provenance": "a" } ] },
              { "from": ["vpc/L-DF5E4CA3"], "unit": "network interfaces", "consumes": [ { "quota": "ec2/L-1216C47A", "noun": "vCPUs", "basis": "fixed", "per_unit": 1, "provenance": "b" } ] } ] }
            """);

        Assert.Equal("quota-dependencies.json: the dependencies form a cycle (ec2/L-1216C47A, vpc/L-DF5E4CA3): a raise would never end", result.Error);
    }

    [Fact]
    public void Parse_RefusesWhatIsNotAMap()
    {
        Assert.Equal("m.json: must be a mapping with a 'dependencies' list", QuotaDependencies.Parse("[]", "m.json").Error);
        Assert.StartsWith("m.json: not JSON (", QuotaDependencies.Parse("{", "m.json").Error, StringComparison.Ordinal);
    }
}
