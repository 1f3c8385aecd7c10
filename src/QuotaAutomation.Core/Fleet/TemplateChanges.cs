namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// What turns the quota request template AWS holds into the one the rules ask for. Applied in the order
/// <see cref="Remove"/>, <see cref="Update"/>, <see cref="Add"/>, so removals free room before additions need it
/// (the template holds at most <see cref="TemplatePlan.MaxEntries"/> entries).
/// </summary>
/// <param name="Update">The desired entries whose value differs from the one held.</param>
public sealed record TemplateChanges(
    IReadOnlyList<TemplateEntry> Add,
    IReadOnlyList<TemplateEntry> Update,
    IReadOnlyList<TemplateEntry> Remove,
    IReadOnlyList<TemplateEntry> Unchanged)
{
    public bool IsEmpty => Add.Count == 0 && Update.Count == 0 && Remove.Count == 0;

    /// <summary>The changes from <paramref name="current"/> (what AWS holds) to <paramref name="desired"/>, each list in key order.</summary>
    public static TemplateChanges Between(IReadOnlyList<TemplateEntry> desired, IReadOnlyList<TemplateEntry> current)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(current);
        var held = new Dictionary<(string, string, string), TemplateEntry>();
        foreach (var entry in current) held[entry.Key] = entry;
        var wanted = desired.Select(e => e.Key).ToHashSet();
        var add = new List<TemplateEntry>();
        var update = new List<TemplateEntry>();
        var unchanged = new List<TemplateEntry>();
        foreach (var entry in desired)
        {
            if (!held.TryGetValue(entry.Key, out var now)) add.Add(entry);
            else if (now.DesiredValue != entry.DesiredValue) update.Add(entry);
            else unchanged.Add(entry);
        }
        var remove = held.Values.Where(e => !wanted.Contains(e.Key)).ToList();
        return new(Ordered(add), Ordered(update), Ordered(remove), Ordered(unchanged));
    }

    private static List<TemplateEntry> Ordered(IEnumerable<TemplateEntry> entries) =>
        [.. entries.OrderBy(e => e.ServiceCode, StringComparer.Ordinal).ThenBy(e => e.QuotaCode, StringComparer.Ordinal).ThenBy(e => e.Region, StringComparer.Ordinal)];
}
