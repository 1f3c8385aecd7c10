using System.Globalization;
using System.Text.RegularExpressions;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Rules;

/// <summary>Reads one hand-edited item (a rule, a policy) field by field, collecting every problem instead of stopping at the first.</summary>
internal sealed partial class FieldReader(IReadOnlyDictionary<string, object?> attributes, ItemSchema schema)
{
    private readonly List<(string Field, string Problem)> _errors = [];

    /// <summary>Problems in schema order (a map's entry, "field.key", with its field; unknown attributes last), whatever order they were found in.</summary>
    public IReadOnlyList<string> Errors => _errors
        .OrderBy(e => schema.OrderOf(e.Field.Split('.')[0]))
        .Select(e => $"{Echo.Of(e.Field)} {e.Problem}") // an unknown attribute's name is what a person typed
        .ToList();

    public void Bad(string field, string problem) => _errors.Add((field, problem));

    public string? Identifier(string field, Regex pattern, string expectation)
    {
        if (Unsupported(field, "text: " + expectation)) return null;
        if (!TryGet(field, out var value))
        {
            Bad(field, "is missing");
            return null;
        }
        if (value is not string s)
        {
            Bad(field, $"{RuleParser.Show(value)} must be a string: {expectation}");
            return null;
        }
        var trimmed = s.Trim();
        if (pattern.IsMatch(trimmed)) return trimmed;
        Bad(field, $"{RuleParser.Show(s)} must be {expectation}");
        return null;
    }

    /// <summary>
    /// <see cref="Identifier"/>, or <c>*</c> alone: every code of the kind some usage source observes (a wildcard rule,
    /// <see cref="WildcardRules"/>). A <c>*</c> inside a code (<c>ec2*</c>, <c>L-*</c>) is not a pattern language: it is rejected.
    /// </summary>
    public string? IdentifierOrAll(string field, Regex pattern, string expectation, string allMeans)
    {
        if (TryGet(field, out var value) && value is string s && s.Contains('*', StringComparison.Ordinal))
        {
            if (s.Trim() == WildcardRules.All) return WildcardRules.All;
            Bad(field, $"{RuleParser.Show(s)} must be {expectation}, or '*' alone ({allMeans}): a '*' cannot be part of a code");
            return null;
        }
        return Identifier(field, pattern, expectation);
    }

    public AutomationLevel? Level(string field)
    {
        if (Unsupported(field, "one of monitor_only, alert_only, auto_request, auto_approve, full_auto")) return null;
        if (!TryGet(field, out var value))
        {
            Bad(field, "is missing: one of monitor_only, alert_only, auto_request, auto_approve, full_auto");
            return null;
        }
        var normalized = value is string s ? s.Trim().Replace('-', '_').Replace(' ', '_').ToUpperInvariant() : null;
        AutomationLevel? level = normalized switch
        {
            "MONITOR_ONLY" => AutomationLevel.MonitorOnly,
            "ALERT_ONLY" => AutomationLevel.AlertOnly,
            "AUTO_REQUEST" => AutomationLevel.AutoRequest,
            "AUTO_APPROVE" => AutomationLevel.AutoApprove,
            "FULL_AUTO" => AutomationLevel.FullAuto,
            _ => null,
        };
        if (level is null)
            Bad(field, $"{RuleParser.Show(value)} must be one of monitor_only, alert_only, auto_request, auto_approve, full_auto");
        return level;
    }

    public double? Number(string field, double fallback, bool allowPercent = false)
    {
        if (Unsupported(field, "a number")) return null;
        if (!TryGet(field, out var value) || value is null) return fallback;
        double? number = value switch
        {
            double d => d,
            float f => f,
            decimal m => (double)m,
            long l => l,
            int i => i,
            string s => ParseNumber(s, allowPercent),
            _ => null,
        };
        if (number is { } n && double.IsFinite(n)) return n;
        Bad(field, $"{RuleParser.Show(value)} must be a number");
        return null;
    }

    /// <summary>A probability: a number (<c>0.01</c>) or a percentage string (<c>"1%"</c> is 0.01, unlike a threshold's <c>"85%"</c>, which is 85).</summary>
    public double? Fraction(string field, double fallback)
    {
        var percent = TryGet(field, out var value) && value is string s && s.Trim().EndsWith('%');
        var number = Number(field, fallback, allowPercent: true);
        return percent ? number / 100 : number;
    }

    public bool? Bool(string field, bool fallback)
    {
        if (Unsupported(field, "true or false")) return null;
        if (!TryGet(field, out var value) || value is null) return fallback;
        bool? result = value switch
        {
            bool b => b,
            string s => s.Trim().ToUpperInvariant() switch
            {
                "TRUE" or "YES" or "1" => true,
                "FALSE" or "NO" or "0" => false,
                _ => null,
            },
            double d when d is 0 or 1 => d == 1,
            decimal m when m is 0 or 1 => m == 1,
            long l when l is 0 or 1 => l == 1,
            int i when i is 0 or 1 => i == 1,
            _ => null,
        };
        if (result is null) Bad(field, $"{RuleParser.Show(value)} must be true or false");
        return result;
    }

    /// <summary>One of <paramref name="choices"/> (case and '-' / ' ' for '_' forgiven), or <paramref name="fallback"/> when not given.</summary>
    public string? Choice(string field, string fallback, params string[] choices)
    {
        if (Unsupported(field, $"one of {string.Join(", ", choices)}")) return null;
        if (!TryGet(field, out var value) || value is null) return fallback;
        var normalized = value is string s ? s.Trim().Replace('-', '_').Replace(' ', '_').ToLowerInvariant() : null;
        if (normalized is not null && choices.Contains(normalized, StringComparer.Ordinal)) return normalized;
        Bad(field, $"{RuleParser.Show(value)} must be one of {string.Join(", ", choices)}");
        return null;
    }

    /// <summary>Parses "Mon-Fri 09:00-18:00" (days as ranges or lists) plus an IANA or Windows time zone id.</summary>
    public BusinessHours? Window(string field, string zoneField)
    {
        var zone = TimeZoneInfo.Utc;
        var unusable = Unsupported(zoneField, "a time zone id such as 'UTC' or 'Europe/Berlin'") | Unsupported(field, "a window such as 'Mon-Fri 09:00-18:00'");
        if (unusable) return null;
        if (TryGet(zoneField, out var zoneValue) && zoneValue is not null)
        {
            if (zoneValue is string z && TryFindZone(z.Trim(), out var found)) zone = found;
            else Bad(zoneField, $"{RuleParser.Show(zoneValue)} must be a time zone id such as 'UTC' or 'Europe/Berlin'");
        }
        if (!TryGet(field, out var value) || value is null)
            return BusinessHours.Default with { Zone = zone };

        var match = value is string s ? WindowPattern().Match(s.Trim()) : Match.Empty;
        var days = match.Success ? ParseDays(match.Groups["days"].Value) : null;
        if (days is null
            || !TimeOnly.TryParseExact(match.Groups["start"].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(match.Groups["end"].Value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || end <= start)
        {
            Bad(field, $"{RuleParser.Show(value)} must look like 'Mon-Fri 09:00-18:00' (start before end)");
            return null;
        }
        return new BusinessHours(days, start, end, zone);
    }

    /// <summary>ARN patterns of approvers: a string (comma or space separated) or a list of strings; null when absent.</summary>
    public IReadOnlyList<string>? ArnPatterns(string field)
    {
        if (!TryGet(field, out var value) || value is null || value is string { Length: 0 }) return null;
        var entries = Strings(value);
        if (entries is null)
        {
            Bad(field, $"{RuleParser.Show(value)} must be ARN patterns: a string or a list of strings such as 'arn:aws:iam::123456789012:role/QuotaApprovers'");
            return null;
        }
        var (patterns, problems) = Approvals.ApproverAllowList.Parse(entries);
        foreach (var problem in problems) Bad(field, problem);
        return problems.Count == 0 && patterns.Count > 0 ? patterns : null;
    }

    /// <summary>The most members (patterns) one approver group may list.</summary>
    private const int MaxGroupMembers = 50;

    /// <summary>The longest member pattern: IAM's limit on an ARN.</summary>
    private const int MaxArnLength = 2048;

    /// <summary>
    /// Named groups of approvers: a map of group name to member patterns (a string or a list: ARN patterns, or
    /// <c>local:USER</c> for the embedded backend's OS user); null when absent.
    /// </summary>
    public IReadOnlyList<Approvals.ApproverGroup>? ApproverGroups(string field, int maxGroups)
    {
        if (!TryGet(field, out var value) || value is null) return null;
        if (value is not IEnumerable<KeyValuePair<string, object?>> map)
        {
            Bad(field, $"{RuleParser.Show(value)} must be a map of group name to approver ARN patterns, e.g. {{security: 'arn:aws:iam::123456789012:role/Security', finance: [...]}}");
            return null;
        }
        var groups = new List<Approvals.ApproverGroup>();
        foreach (var (name, members) in map)
        {
            var where = $"{field}.{Common.Echo.Of(name)}";
            if (!RuleParser.RuleIdPattern().IsMatch(name)) Bad(field, $"group name '{Common.Echo.Of(name)}' must be letters, digits, '.', '_' or '-', at most 128");
            var entries = Strings(members) is { } given ? Approvals.ApproverAllowList.Split(given).ToList() : null;
            if (entries is null || entries.Count == 0)
            {
                Bad(where, $"{RuleParser.Show(members)} must be the group's members: a string or a list of ARN patterns or local:USER names");
                continue;
            }
            if (entries.Count > MaxGroupMembers || entries.Any(e => e.Length > MaxArnLength))
            {
                // Bounded so that matching an approver stays cheap whatever was typed: IAM's own ARN limit, and a list a person can read.
                Bad(where, $"has {entries.Count} member{(entries.Count == 1 ? "" : "s")}, the longest {entries.Max(e => e.Length)} characters: at most {MaxGroupMembers} of at most {MaxArnLength}");
                continue;
            }
            bool IsLocal(string entry) => entry.StartsWith(Approvals.ApproverGroup.LocalPrefix, StringComparison.Ordinal);
            var locals = entries.Where(IsLocal).ToList();
            var (arns, problems) = Approvals.ApproverAllowList.Parse(entries.Where(e => !IsLocal(e)));
            foreach (var problem in problems) Bad(where, problem);
            foreach (var local in locals.Where(l => l.Length == Approvals.ApproverGroup.LocalPrefix.Length)) Bad(where, "'local:' needs the OS user's name after it");
            groups.Add(new(name, [.. arns, .. locals]));
        }
        var named = map.Count();
        if (named == 0) Bad(field, "names no group: give at least one, or leave the attribute out");
        if (named > maxGroups) Bad(field, $"names {named} groups: at most {maxGroups} (one distinct approver from each)");
        return groups;
    }

    /// <summary>A string (one entry) or a list whose every item is a string; null when the value is neither.</summary>
    private static List<string>? Strings(object? value)
    {
        var items = value switch
        {
            string s => [s],
            System.Collections.IEnumerable list => list.Cast<object?>().Select(x => x as string).ToList(),
            _ => null,
        };
        return items is null || items.Any(i => i is null) ? null : items.OfType<string>().ToList();
    }

    public void RejectUnknownAttributes()
    {
        foreach (var name in attributes.Keys.Order(StringComparer.Ordinal))
        {
            if (schema.Known.Contains(name) || schema.Notes.Contains(name)) continue;
            var guess = schema.Attributes.MinBy(known => EditDistance(known, name));
            var hint = guess is not null && EditDistance(guess, name) <= 3 ? $" (did you mean {guess}?)" : "";
            Bad(name, $"is not a {schema.Noun} attribute{hint}");
        }
    }

    private bool TryGet(string field, out object? value) => attributes.TryGetValue(field, out value);

    /// <summary>True when the item sets <paramref name="field"/> (to anything but null); false when its default applies.</summary>
    public bool IsGiven(string field) => TryGet(field, out var value) && value is not null;

    /// <summary>Reports a value the adapter could not read (a DynamoDB set, a YAML value that contains itself).</summary>
    private bool Unsupported(string field, string expectation)
    {
        if (!attributes.TryGetValue(field, out var value) || value is not UnsupportedValue unsupported) return false;
        Bad(field, $"is {unsupported.What}; expected {expectation}");
        return true;
    }

    private static double? ParseNumber(string text, bool allowPercent)
    {
        var trimmed = text.Trim();
        if (allowPercent && trimmed.EndsWith('%')) trimmed = trimmed[..^1].TrimEnd();
        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static HashSet<DayOfWeek>? ParseDays(string text)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || DayOf(ends[0]) is not { } first || DayOf(ends[^1]) is not { } last) return null;
            for (var d = (int)first; ; d = (d + 1) % 7)
            {
                days.Add((DayOfWeek)d);
                if (d == (int)last) break;
            }
        }
        return days.Count > 0 ? days : null;
    }

    private static DayOfWeek? DayOf(string text) => text.Length >= 3
        ? Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>()
            .FirstOrDefault(d => d.ToString()!.StartsWith(text[..3], StringComparison.OrdinalIgnoreCase))
        : null;

    private static bool TryFindZone(string id, out TimeZoneInfo zone)
    {
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            zone = TimeZoneInfo.Utc;
            return false;
        }
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^(?<days>[A-Za-z, -]+?)\s+(?<start>\d{2}:\d{2})\s*-\s*(?<end>\d{2}:\d{2})$")]
    private static partial Regex WindowPattern();
}
