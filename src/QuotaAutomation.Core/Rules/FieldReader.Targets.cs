using System.Text.RegularExpressions;

namespace QuotaAutomation.Core.Rules;

/// <summary>Reading a rule's targets: a single value, a list, or a comma-separated string of them.</summary>
internal sealed partial class FieldReader
{
    private static readonly Expectation Accounts = new(
        "a 12-digit account id, an OU id 'ou-…', a root id 'r-…' or '*', or a list of them",
        "a 12-digit account id, an OU id 'ou-…', a root id 'r-…', or a list of them");

    private static readonly Expectation Regions = new("a Region such as 'us-east-1' or '*', or a list of them", "a Region such as 'us-east-1', or a list of them");

    /// <summary>What a target field must be, with and without '*' (exclusions and standbys cannot name everything).</summary>
    private sealed record Expectation(string WithAll, string WithoutAll)
    {
        public string For(bool allowAll) => allowAll ? WithAll : WithoutAll;
    }

    /// <summary>Account targets; empty when the field is absent (the hub's own account).</summary>
    public IReadOnlyList<string>? AccountTargets(string field, bool allowAll) =>
        Targets(field, allowAll, Accounts.For(allowAll), t => AccountPattern().IsMatch(t) || OrganizationalUnitPattern().IsMatch(t) || RootPattern().IsMatch(t));

    public IReadOnlyList<string>? RegionTargets(string field, bool allowAll, Regex regionPattern) =>
        Targets(field, allowAll, Regions.For(allowAll), regionPattern.IsMatch);

    private List<string>? Targets(string field, bool allowAll, string expectation, Func<string, bool> valid)
    {
        if (Unsupported(field, expectation)) return null;
        if (!TryGet(field, out var value) || value is null || value is string { Length: 0 }) return [];
        var entries = value switch
        {
            string s => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Cast<object?>().ToList(),
            double or decimal or long or int => [Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)],
            System.Collections.IDictionary => null,
            System.Collections.IEnumerable list => list.Cast<object?>().ToList(),
            _ => null,
        };
        if (entries is null || entries.Count == 0)
        {
            Bad(field, $"{RuleParser.Show(value)} must be {expectation}");
            return null;
        }
        var targets = new List<string>();
        var problems = new List<string>();
        foreach (var entry in entries)
        {
            var text = (entry as string)?.Trim();
            if (text == RuleTargets.All && allowAll || text is not null && text != RuleTargets.All && valid(text))
            {
                if (!targets.Contains(text)) targets.Add(text);
            }
            else
            {
                problems.Add(RuleParser.Show(entry));
            }
        }
        if (problems.Count > 0)
        {
            Bad(field, $"{string.Join(", ", problems)} must be {expectation}");
            return null;
        }
        if (targets.Contains(RuleTargets.All) && targets.Count > 1)
        {
            Bad(field, $"'*' already means all: remove {string.Join(", ", targets.Where(t => t != RuleTargets.All).Select(t => $"'{t}'"))}");
            return null;
        }
        return targets;
    }

    [GeneratedRegex(@"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")]
    private static partial Regex OrganizationalUnitPattern();

    [GeneratedRegex(@"^r-[0-9a-z]{4,32}$")]
    private static partial Regex RootPattern();
}
