namespace QuotaAutomation.Core.Rules;

/// <summary>
/// The attributes a hand-edited item may have (a rule, a policy), in the order its problems are reported, and the
/// free-text ones people add for each other, kept and never read.
/// </summary>
/// <param name="Noun">What an item is, for "is not a rule attribute".</param>
internal sealed record ItemSchema(string Noun, IReadOnlyList<string> Attributes, IReadOnlySet<string> Notes)
{
    public IReadOnlySet<string> Known { get; } = new HashSet<string>(Attributes, StringComparer.Ordinal);

    /// <summary>Where a field's problems go in a message: schema order, unknown attributes last.</summary>
    public int OrderOf(string field)
    {
        for (var i = 0; i < Attributes.Count; i++)
            if (string.Equals(Attributes[i], field, StringComparison.Ordinal)) return i;
        return int.MaxValue;
    }
}
