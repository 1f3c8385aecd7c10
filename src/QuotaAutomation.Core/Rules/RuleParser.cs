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
        "business_hours_timezone", "cost_threshold", "forecast_horizon_hours", "breach_risk", "enabled",
        "approvers", "exclude_accounts", "exclude_regions", "standby_region", "standby_account", "standby_factor",
        "standby_peak_days", "template_value",
    ];

    public static readonly IReadOnlySet<string> KnownAttributes = new HashSet<string>(Attributes, StringComparer.Ordinal);

    /// <summary>Free-text attributes people add for each other; kept, never interpreted.</summary>
    public static readonly IReadOnlySet<string> NoteAttributes = new HashSet<string>(StringComparer.Ordinal)
    {
        "description", "owner", "notes", "comment", "team", "tags", "created_at", "created_by", "updated_at", "updated_by",
    };

    internal static readonly ItemSchema Schema = new("rule", Attributes, NoteAttributes);

    public const double MaxForecastHorizonHours = 2160; // 90 days: beyond that a forecast says nothing useful

    /// <summary>No increase is more than 100 times the quota: a larger factor is a typo, not a plan.</summary>
    public const double MaxMultiplier = 100;

    /// <summary>The largest quota value, usage or cap believed (1e15): AWS's largest quotas are far below, and beyond
    /// 2^53 a double no longer counts whole units.</summary>
    public const double MaxQuotaValue = 1e15;

    /// <summary>
    /// The largest <c>breach_risk</c>: above an even chance the value sized for is below the horizon's median peak, and
    /// the quantiles a forecaster gives start at the p50 (<see cref="Forecasting.PeakQuantiles.At"/>).
    /// </summary>
    public const double MaxBreachRisk = 0.5;

    /// <summary>The largest monthly cost limit believed, in dollars.</summary>
    public const double MaxCostThreshold = 1e9;

    public static Result<QuotaRule> Parse(RawRule raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var reader = new FieldReader(raw.Attributes, Schema);

        var ruleId = reader.Identifier("rule_id", RuleIdPattern(), "letters, digits, '.', '_' or '-', at most 128");
        var serviceCode = reader.IdentifierOrAll("service_code", ServiceCodePattern(), "a Service Quotas service code such as 'ec2'", "every observed service");
        var quotaCode = reader.IdentifierOrAll("quota_code", QuotaCodePattern(), "a quota code such as 'L-1216C47A'", "every observed quota of the service");
        var regions = reader.RegionTargets("region", allowAll: true, RegionName.Pattern());
        var accounts = reader.AccountTargets("account_id", allowAll: true);
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
        var breachRisk = reader.Fraction("breach_risk", QuotaRule.DefaultBreachRisk);
        var enabled = reader.Bool("enabled", true);
        var approvers = reader.ArnPatterns("approvers");
        var excludeAccounts = reader.AccountTargets("exclude_accounts", allowAll: false);
        var excludeRegions = reader.RegionTargets("exclude_regions", allowAll: false, RegionName.Pattern());
        var standby = ReadStandby(reader, accounts, regions);
        var templateValue = reader.IsGiven("template_value") ? reader.Number("template_value", 0) : null;
        if (regions is { Count: 0 }) reader.Bad("region", "is missing");
        if (serviceCode == WildcardRules.All || quotaCode == WildcardRules.All)
        {
            // Both name one quota's value: a wildcard has no one quota to keep in parity or to put in the template.
            var pattern = $"{serviceCode ?? "?"}/{quotaCode ?? "?"}";
            if (standby is not null) reader.Bad(reader.IsGiven("standby_region") ? "standby_region" : "standby_account", $"cannot be set on a wildcard rule ({pattern}): a standby keeps one quota in parity; write a rule for that quota");
            if (templateValue is not null) reader.Bad("template_value", $"cannot be set on a wildcard rule ({pattern}): a template entry is one quota's value; write a rule for that quota");
        }

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
        if (templateValue is { } tv && (tv <= 0 || tv > MaxQuotaValue)) reader.Bad("template_value", $"{Show(tv)} must be > 0 and ≤ {Show(MaxQuotaValue)}");
        if (costThreshold is { } ct && (ct < 0 || ct > MaxCostThreshold)) reader.Bad("cost_threshold", $"{Show(ct)} must be ≥ 0 and ≤ {Show(MaxCostThreshold)}");
        if (horizon is { } h && (h < 1 || h > MaxForecastHorizonHours))
            reader.Bad("forecast_horizon_hours", $"{Show(h)} must be between 1 and {Show(MaxForecastHorizonHours)}");
        // 0 would size to a quantile no forecast gives (p100): there is always some risk.
        if (breachRisk is { } r && (r <= 0 || r > MaxBreachRisk))
            reader.Bad("breach_risk", $"{Show(r)} must be > 0 and ≤ {Show(MaxBreachRisk)} (a probability: 0.01 sizes to the p99; \"1%\" is accepted)");
        reader.RejectUnknownAttributes();

        var name = ruleId ?? $"{Echo.Of(raw.Origin)} (no rule_id)";
        if (reader.Errors.Count > 0)
            return Result.Fail<QuotaRule>($"rule '{name}': {string.Join("; ", reader.Errors)}");

        // Every value below was checked above; the reader returned null only alongside an error.
        var targets = new RuleTargets(accounts!, regions!, excludeAccounts!, excludeRegions!, standby);
        var key = targets.IsSingle
            ? new QuotaKey(serviceCode!, quotaCode!, regions![0], accounts!.Count == 0 ? null : accounts[0])
            : new QuotaKey(serviceCode!, quotaCode!, RuleTargets.All, RuleTargets.All); // a fleet rule: each shard makes it concrete
        return Result.Ok(new QuotaRule(
            ruleId!,
            key,
            level!.Value,
            new Thresholds(warning!.Value, critical!.Value, emergency!.Value),
            multiplier!.Value,
            maxIncrease!.Value,
            approval!.Value,
            businessOnly!.Value ? window ?? BusinessHours.Default : null,
            costThreshold!.Value,
            TimeSpan.FromHours(horizon!.Value),
            enabled!.Value,
            approvers)
        { Targets = targets, TemplateValue = templateValue, BreachRisk = breachRisk!.Value });
    }

    /// <summary>
    /// The standby of failover parity: another Region of the same account(s) or another account in the same
    /// Region(s), never both; the primary side must be one Region (or one account) so its peak is one number.
    /// </summary>
    private static Standby? ReadStandby(FieldReader reader, IReadOnlyList<string>? accounts, IReadOnlyList<string>? regions)
    {
        var standbyRegion = reader.RegionTargets("standby_region", allowAll: false, RegionName.Pattern());
        var standbyAccount = reader.AccountTargets("standby_account", allowAll: false);
        var factor = reader.Number("standby_factor", Standby.DefaultFactor);
        var days = reader.Number("standby_peak_days", Standby.DefaultPeakWindow.TotalDays);
        var region = standbyRegion is [var r] ? r : null;
        var account = standbyAccount is [var a] ? a : null;
        if (standbyRegion is { Count: > 1 }) reader.Bad("standby_region", "must be one Region");
        if (standbyAccount is { Count: > 1 } || account is not null && !RuleTargets.IsAccountId(account)) reader.Bad("standby_account", "must be one 12-digit account id");
        if (region is null && account is null)
        {
            if (reader.IsGiven("standby_factor")) reader.Bad("standby_factor", "needs standby_region or standby_account");
            if (reader.IsGiven("standby_peak_days")) reader.Bad("standby_peak_days", "needs standby_region or standby_account");
            return null;
        }
        if (region is not null && account is not null) reader.Bad("standby_account", "cannot be set with standby_region: a standby is another Region or another account");
        if (region is not null && (regions is not [var primary] || primary == RuleTargets.All || primary == region))
            reader.Bad("standby_region", $"needs region to be one other Region (the primary), not {Show(regions is null ? null : string.Join(",", regions))}");
        if (account is not null && (accounts is not [var source] || !RuleTargets.IsAccountId(source) || source == account))
            reader.Bad("standby_account", "needs account_id to be one other 12-digit account (the primary)");
        if (factor is { } f && (f < 1 || f > 10)) reader.Bad("standby_factor", $"{Show(f)} must be between 1 and 10");
        if (days is { } d && (d < 1 || d > 90)) reader.Bad("standby_peak_days", $"{Show(d)} must be between 1 and 90");
        return factor is null || days is null ? null : new Standby(region, account, factor.Value, TimeSpan.FromDays(days.Value));
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
    internal static partial Regex RuleIdPattern();

    // Patterns from the Service Quotas model (ServiceCode, QuotaCode); Regions: RegionName.
    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9-]{1,63}$")]
    internal static partial Regex ServiceCodePattern();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9-]{1,128}$")]
    internal static partial Regex QuotaCodePattern();
}
