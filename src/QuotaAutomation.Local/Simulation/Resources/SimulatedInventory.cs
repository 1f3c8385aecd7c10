using System.Globalization;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Local.Simulation.Resources;

/// <summary>What one count of the inventory found: the usage, and for a per-resource quota the fullest resource.</summary>
public sealed record InventoryCount(double Used, FullestResource? Fullest);

/// <summary>
/// The simulated account's resources (<see cref="SimulatedEstate.Families"/>) at any moment, and the counts AWS's
/// counters would make of them. A pure function of (seed, creation time, moment) with no table behind it: a count
/// walks the parents that exist then (about a thousand network interfaces at most), so history can be recomputed for
/// any time and two runs with one seed count the same.
/// </summary>
public sealed class SimulatedInventory(int seed, DateTimeOffset genesis, IReadOnlyDictionary<string, ResourceFamily> families)
{
    private const ulong PhaseSalt = 1, InitialSalt = 2, RateSalt = 3, SizeSalt = 4, IdSalt = 5;

    public SimulatedInventory(int seed, DateTimeOffset genesis) : this(seed, genesis, SimulatedEstate.Families)
    {
    }

    /// <summary>What <paramref name="counter"/> counts at <paramref name="at"/>; a counter with no family counts nothing.</summary>
    public InventoryCount Count(SimulatedCounter counter, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(counter);
        if (counter.Family is not { } kind) return new InventoryCount(0, null);
        var family = families[kind];
        var days = (at - genesis).TotalDays;
        if (counter.Scope == CountScope.Resource) return Fullest(family, days, counter.Counted);
        if (counter.SizeDivisor > 0) return new InventoryCount(Instances(family, days).Sum(r => Size(family, r.Id)) / counter.SizeDivisor, null);
        return new InventoryCount(family.Parent is null ? TopCount(family, days) : Instances(family, days).Count(), null);
    }

    /// <summary>The parent with the most resources of <paramref name="family"/>: its id, how many, and how many parents were counted.</summary>
    private InventoryCount Fullest(ResourceFamily family, double days, string counted)
    {
        var parents = families[family.Parent ?? throw new InvalidOperationException($"{family.Kind} is counted per resource but belongs to none")];
        var (most, fullest, count) = (-1, default(Resource), 0);
        foreach (var parent in Instances(parents, days))
        {
            var children = ChildGrowth(family, parent).At(days, Unit(family, parent.Id, PhaseSalt));
            if (children > most) (most, fullest) = (children, parent);
            count++;
        }
        return count == 0 ? new InventoryCount(0, null) : new InventoryCount(most, new FullestResource(Name(parents, fullest), most, counted, count));
    }

    /// <summary>Every resource of the family that exists <paramref name="days"/> after creation, parents first.</summary>
    private IEnumerable<Resource> Instances(ResourceFamily family, double days)
    {
        if (family.Parent is null)
        {
            var count = TopCount(family, days);
            for (var i = 0; i < count; i++) yield return new Resource(Mix(KindHash(family), (ulong)i), i, i == 0);
            yield break;
        }
        foreach (var parent in Instances(families[family.Parent], days))
        {
            var count = ChildGrowth(family, parent).At(days, Unit(family, parent.Id, PhaseSalt));
            for (var i = 0; i < count; i++) yield return new Resource(Mix(parent.Id, (ulong)i + 1), i, parent.IsFirstOfAll && i == 0);
        }
    }

    private int TopCount(ResourceFamily family, double days) => family.Names?.Count ?? family.Each.At(days, Unit(family, 0, PhaseSalt));

    /// <summary>The first parent's growth is the family's <see cref="ResourceFamily.First"/>; every other parent draws its share of <see cref="ResourceFamily.Each"/>.</summary>
    private Growth ChildGrowth(ResourceFamily family, Resource parent) =>
        family.First is { } first && parent.IsFirstOfAll ? first
        : new Growth(Math.Min(family.Each.Initial, 1) + (int)Math.Floor(Math.Max(0, family.Each.Initial - 1) * Unit(family, parent.Id, InitialSalt)),
            family.Each.PerDay * Unit(family, parent.Id, RateSalt));

    private double Size(ResourceFamily family, ulong id) =>
        family.Size is var (min, max) ? min + (max - min) * Unit(family, id, SizeSalt) : 1;

    private string Name(ResourceFamily family, Resource resource) =>
        family.Names is { } names ? names[resource.Index]
        : string.Create(CultureInfo.InvariantCulture, $"{family.IdPrefix}-0{Mix(resource.Id, IdSalt ^ (ulong)(uint)seed):x16}");

    /// <summary>A uniform number in [0, 1) for (seed, family, resource, purpose): SplitMix64, stable across processes.</summary>
    private double Unit(ResourceFamily family, ulong id, ulong salt) => (Mix(Mix(KindHash(family), id), salt) >> 11) * (1.0 / (1UL << 53));

    private ulong KindHash(ResourceFamily family)
    {
        var h = 14695981039346656037UL ^ (ulong)(uint)seed; // FNV-1a over the kind, seeded
        foreach (var c in family.Kind) h = unchecked((h ^ c) * 1099511628211UL);
        return h;
    }

    private static ulong Mix(ulong a, ulong b)
    {
        var x = unchecked(a ^ (b + 0x9E3779B97F4A7C15UL + (a << 6) + (a >> 2)));
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return x ^ (x >> 31);
    }

    /// <param name="Index">Its position among its parent's (or the account's) resources of the kind.</param>
    /// <param name="IsFirstOfAll">The account's first of its kind (the first child of the first parent): its children grow as <see cref="ResourceFamily.First"/> says.</param>
    private readonly record struct Resource(ulong Id, int Index, bool IsFirstOfAll);
}
