using System.Globalization;
using System.Text.RegularExpressions;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Rules;

/// <summary>
/// Turns a hand-edited rule item into a <see cref="QuotaRule"/>. Accepts what a person plausibly types
/// (numbers as strings, "85%", TRUE, "Full-Auto"), rejects everything else, and reports every bad field
/// of a rule in one message: <c>rule 'x': threshold_critical 120 must be ≤ 100; ...</c>.
/// The DynamoDB store and the CLI's rules files share it.
/// </summary>
public static partial class RuleParser
{
    /// <summary>The rule attributes in schema order, which is also the order problems are reported in.</summary>
    public static readonly IReadOnlyList<string> Attributes =
    [
        "rule_id", "service_code", "quota_code", "region", "account_id", "automation_level",
        "threshold_warning", "threshold_critical", "threshold_emergency", "auto_increase_multiplier",
        "max_auto_increase", "approval_required", "business_hours_only", "business_hours",
        "business_hours_timezone", "cost_threshold", "forecast_horizon_hours", "enabled",
        "approvers",
    ];

    public static readonly IReadOnlySet<string> KnownAttributes = new HashSet<string>(Attributes, StringComparer.Ordinal);

    /// <summary>Free-text attributes people add for each other; kept, never interpreted.</summary>
    public static readonly IReadOnlySet<string> NoteAttributes = new HashSet<string>(StringComparer.Ordinal)
    {
        "description", "owner", "notes", "comment", "team", "tags", "created_at", "created_by", "updated_at", "updated_by",
    };

    public const double MaxForecastHorizonHours = 2160; // 90 days: beyond that a forecast says nothing useful

    /// <summary>No increase is more than 100 times the quota: a larger factor is a typo, not a plan.</summary>
    public const double MaxMultiplier = 100;

    /// <summary>The largest quota value, usage or cap believed (1e15): AWS's largest quotas are far below, and beyond
    /// 2^53 a double no longer counts whole units.</summary>
    public const double MaxQuotaValue = 1e15;

    /// <summary>The largest monthly cost limit believed, in dollars.</summary>
    public const double MaxCostThreshold = 1e9;

    public static Result<QuotaRule> Parse(RawRule raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var reader = new FieldReader(raw.Attributes);

        var ruleId = reader.Identifier("rule_id", RuleIdPattern(), "letters, digits, '.', '_' or '-', at most 128");
        var serviceCode = reader.Identifier("service_code", ServiceCodePattern(), "a Service Quotas service code such as 'ec2'");
        var quotaCode = reader.Identifier("quota_code", QuotaCodePattern(), "a quota code such as 'L-1216C47A'");
        var region = reader.Identifier("region", RegionPattern(), "a Region such as 'us-east-1'");
        var accountId = reader.AccountId("account_id");
        var level = reader.Level("automation_level");
        var warning = reader.Number("threshold_warning", Thresholds.Default.Warning, allowPercent: true);
        var critical = reader.Number("threshold_critical", Thresholds.Default.Critical, allowPercent: true);
        var emergency = reader.Number("threshold_emergency", Thresholds.Default.Emergency, allowPercent: true);
        var multiplier = reader.Number("auto_increase_multiplier", QuotaRule.DefaultMultiplier);
        var maxIncrease = reader.Number("max_auto_increase", QuotaRule.DefaultMaxAutoIncrease);
        var approval = reader.Bool("approval_required", false);
        var businessOnly = reader.Bool("business_hours_only", false);
        var window = reader.Window("business_hours", "business_hours_timezone");
        var costThreshold = reader.Number("cost_threshold", QuotaRule.DefaultCostThreshold);
        var horizon = reader.Number("forecast_horizon_hours", QuotaRule.DefaultForecastHorizon.TotalHours);
        var enabled = reader.Bool("enabled", true);
        var approvers = reader.ArnPatterns("approvers");

        if (warning is { } w && w <= 0) reader.Bad("threshold_warning", $"{Show(w)} must be > 0");
        if (emergency is { } e && e > 100) reader.Bad("threshold_emergency", $"{Show(e)} must be ≤ 100");
        if (critical is { } c && c > 100) reader.Bad("threshold_critical", $"{Show(c)} must be ≤ 100");
        // A value the item does not set is the default: say so, or "must be < threshold_critical 85" sends people looking for an 85 they never typed.
        string Value(string field, double value) => reader.IsGiven(field) ? Show(value) : $"{Show(value)} (the default)";
        if (warning is { } w2 && critical is { } c2 && w2 >= c2)
            reader.Bad("threshold_warning", $"{Value("threshold_warning", w2)} must be < threshold_critical {Value("threshold_critical", c2)}");
        if (critical is { } c3 && emergency is { } e3 && c3 >= e3 && c3 <= 100)
            reader.Bad("threshold_critical", $"{Value("threshold_critical", c3)} must be < threshold_emergency {Value("threshold_emergency", e3)}");
        if (multiplier is { } m && (m <= 1 || m > MaxMultiplier)) reader.Bad("auto_increase_multiplier", $"{Show(m)} must be > 1 and ≤ {Show(MaxMultiplier)}");
        if (maxIncrease is { } x && (x <= 0 || x > MaxQuotaValue)) reader.Bad("max_auto_increase", $"{Show(x)} must be > 0 and ≤ {Show(MaxQuotaValue)}");
        if (costThreshold is { } ct && (ct < 0 || ct > MaxCostThreshold)) reader.Bad("cost_threshold", $"{Show(ct)} must be ≥ 0 and ≤ {Show(MaxCostThreshold)}");
        if (horizon is { } h && (h < 1 || h > MaxForecastHorizonHours))
            reader.Bad("forecast_horizon_hours", $"{Show(h)} must be between 1 and {Show(MaxForecastHorizonHours)}");
        reader.RejectUnknownAttributes();

        var name = ruleId ?? $"{Echo.Of(raw.Origin)} (no rule_id)";
        if (reader.Errors.Count > 0)
            return Result.Fail<QuotaRule>($"rule '{name}': {string.Join("; ", reader.Errors)}");

        // Every value below was checked above; the reader returned null only alongside an error.
        return Result.Ok(new QuotaRule(
            ruleId!,
            new QuotaKey(serviceCode!, quotaCode!, region!, accountId),
            level!.Value,
            new Thresholds(warning!.Value, critical!.Value, emergency!.Value),
            multiplier!.Value,
            maxIncrease!.Value,
            approval!.Value,
            businessOnly!.Value ? window ?? BusinessHours.Default : null,
            costThreshold!.Value,
            TimeSpan.FromHours(horizon!.Value),
            enabled!.Value,
            approvers));
    }

    /// <summary>The rule id an item names, for messages about items that fail before parsing.</summary>
    public static string NameOf(RawRule raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        return raw.Attributes.TryGetValue("rule_id", out var id) && id is string s && !string.IsNullOrWhiteSpace(s)
            ? Echo.Of(s.Trim()) : $"{Echo.Of(raw.Origin)} (no rule_id)";
    }

    internal static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{Echo.Of(s)}'",
        double d when Math.Abs(d) >= 1e9 => d.ToString("0.###e0", CultureInfo.InvariantCulture),
        double d => d.ToString("0.######", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IDictionary => "a map",
        System.Collections.IEnumerable => "a list",
        _ => $"a {value.GetType().Name}",
    };

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex RuleIdPattern();

    // Patterns from the Service Quotas model (ServiceCode, QuotaCode); Region in AWS's partition form.
    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9-]{1,63}$")]
    private static partial Regex ServiceCodePattern();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9-]{1,128}$")]
    private static partial Regex QuotaCodePattern();

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")]
    private static partial Regex RegionPattern();
}
