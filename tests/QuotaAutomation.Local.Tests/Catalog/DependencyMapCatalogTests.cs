using QuotaAutomation.Core.Dependencies;
using QuotaAutomation.Core.Gate;
using QuotaAutomation.Local.Catalog;

namespace QuotaAutomation.Local.Tests.Catalog;

/// <summary>The quota codes the dependency map and the gate name are Service Quotas' own, under the right service (the catalog).</summary>
public class DependencyMapCatalogTests
{
    private static readonly HashSet<string> Known = QuotaCatalog.All.Select(q => $"{q.ServiceCode}/{q.QuotaCode}").ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void EveryQuotaOfTheDependencyMap_IsInTheCatalogUnderItsService()
    {
        var named = QuotaDependencies.Default.Edges.SelectMany(e => new[] { e.From, e.To }).Distinct();

        Assert.All(named, q => Assert.Contains(q, Known));
    }

    [Fact]
    public void EveryQuotaTheGateMaps_IsInTheCatalogUnderItsService()
    {
        var plan = File.ReadAllText(Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Core.Tests", "Gate", "Plans", "volumes-and-interfaces.json"));
        var (needs, _) = QuotaNeeds.From(TerraformPlan.Parse(plan).Value, "us-east-1");

        Assert.All(needs, n => Assert.Contains($"{n.Quota.ServiceCode}/{n.Quota.QuotaCode}", Known));
    }
}
