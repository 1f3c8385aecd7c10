using System.Globalization;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// What the organization's quota request template must hold: for each enabled rule with a <c>template_value</c>,
/// one entry per Region the rule names (its exclusions removed), so every account created afterwards starts with that
/// value. AWS applies the template to every new account of the organization, so a rule's <c>account_id</c> does not
/// narrow it.
/// </summary>
/// <param name="Problems">Why a rule's entries were left out, one line each, naming the rule.</param>
public sealed record TemplatePlan(IReadOnlyList<TemplateEntry> Entries, IReadOnlyList<string> Problems)
{
    /// <summary>The most entries a template holds (Service Quotas User Guide, "Using Service Quotas request templates": up to 10 quotas).</summary>
    public const int MaxEntries = 10;

    /// <param name="regions">What <c>region: '*'</c> means (the fleet's Regions setting); null: such a rule has no template entries, since new accounts' Regions are not known ahead.</param>
    public static TemplatePlan From(IEnumerable<QuotaRule> rules, IReadOnlyList<string>? regions)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var problems = new List<string>();
        var wanted = new Dictionary<(string, string, string), TemplateEntry>();
        foreach (var rule in rules.Where(r => r.Enabled && r.TemplateValue is not null).OrderBy(r => r.RuleId, StringComparer.Ordinal))
        {
            var value = rule.TemplateValue!.Value; // filtered above
            var everyRegion = rule.Targets.Regions.Contains(RuleTargets.All);
            if (everyRegion && regions is null)
            {
                problems.Add($"rule '{rule.RuleId}': template_value needs named Regions: region '*' means each account's enabled Regions, which a new account does not have yet (set the fleet's Regions or name them)");
                continue;
            }
            var named = everyRegion ? regions! : rule.Targets.Regions; // not null: checked just above
            foreach (var region in named.Except(rule.Targets.ExcludeRegions, StringComparer.Ordinal).Distinct(StringComparer.Ordinal))
            {
                var entry = new TemplateEntry(rule.Quota.ServiceCode, rule.Quota.QuotaCode, region, value, rule.RuleId);
                // Two rules on one quota and Region: a new account needs the larger value.
                if (!wanted.TryGetValue(entry.Key, out var other) || other.DesiredValue < value) wanted[entry.Key] = entry;
            }
        }
        var ordered = TemplateChanges.Between([.. wanted.Values], []).Add; // key order
        if (ordered.Count > MaxEntries)
        {
            var left = ordered.Skip(MaxEntries).ToList();
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"the template holds at most {MaxEntries} entries and the rules ask for {ordered.Count}: left out {string.Join(", ", left.Select(e => $"{e} (rule '{e.RuleId}')"))}"));
            ordered = [.. ordered.Take(MaxEntries)];
        }
        return new TemplatePlan(ordered, problems);
    }
}
