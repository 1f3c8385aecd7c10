using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Plans;

/// <summary>
/// A <see cref="StepPlan"/> as stored: one map of named fields with neutral values (string, number, list, null), the
/// form DynamoDB items and SQLite's JSON column both hold, so the two stores write and read plans alike and a stored
/// plan is checked by one reader. Times are whole seconds since the epoch, as the other stores keep them.
/// </summary>
public static class StepPlanFields
{
    public const string PlanId = "plan_id";
    public const string RuleId = "rule_id";
    public const string ServiceCode = "service_code";
    public const string QuotaCode = "quota_code";
    public const string Region = "region";
    public const string AccountId = "account_id";
    public const string StartValue = "start_value";
    public const string Steps = "steps";
    public const string Next = "next";
    public const string CreatedAt = "created_at";
    public const string UpdatedAt = "updated_at";
    public const string Reason = "reason";

    /// <summary>The plan's fields; <see cref="AccountId"/> only for a member account's quota (the caller's own has none).</summary>
    public static Dictionary<string, object?> Of(StepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [PlanId] = plan.Id,
            [RuleId] = plan.RuleId,
            [ServiceCode] = plan.Quota.ServiceCode,
            [QuotaCode] = plan.Quota.QuotaCode,
            [Region] = plan.Quota.Region,
            [StartValue] = plan.StartValue,
            [Steps] = plan.Steps.ToArray(),
            [Next] = (double)plan.Next,
            [CreatedAt] = (double)plan.CreatedAt.ToUnixTimeSeconds(),
            [UpdatedAt] = (double)plan.UpdatedAt.ToUnixTimeSeconds(),
            [Reason] = plan.Reason,
        };
        if (plan.Quota.AccountId is { } account) fields[AccountId] = account;
        return fields;
    }

    /// <summary>
    /// Reads a stored item: the plan, or what is wrong with it (the first bad field, in the order above). Fields the
    /// reader does not know (a store's keys and index attributes) are ignored.
    /// </summary>
    /// <param name="item">The item as its store names it, for the message.</param>
    public static (StepPlan? Plan, UnreadableStepPlan? Unreadable) Read(string item, IReadOnlyDictionary<string, object?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var ruleId = fields.GetValueOrDefault(RuleId) as string is { Length: > 0 } r ? r : null;
        var quota = KeyOf(fields);
        (StepPlan?, UnreadableStepPlan?) Bad(string field, string problem) =>
            (null, new UnreadableStepPlan(item, field, $"{problem}; it is {Show(fields, field)}", ruleId, quota, Json(fields)));

        if (fields.GetValueOrDefault(PlanId) is not string { Length: > 0 } id) return Bad(PlanId, "must be a non-empty string");
        if (ruleId is null) return Bad(RuleId, "must be a non-empty string");
        foreach (var name in (string[])[ServiceCode, QuotaCode, Region])
            if (fields.GetValueOrDefault(name) is not string { Length: > 0 }) return Bad(name, "must be a non-empty string");
        if (fields.TryGetValue(AccountId, out var account) && account is not (null or string { Length: > 0 })) return Bad(AccountId, "must be absent or a non-empty string");
        if (fields.GetValueOrDefault(StartValue) is not double start || !double.IsFinite(start) || start < 0) return Bad(StartValue, "must be a number ≥ 0");
        if (StepsOf(fields.GetValueOrDefault(Steps)) is not { } steps) return Bad(Steps, "must be a non-empty list of positive numbers in ascending order");
        if (WholeOf(fields.GetValueOrDefault(Next)) is not { } next || next < 0 || next > steps.Count) return Bad(Next, $"must be a whole number from 0 to {steps.Count} (the number of steps)");
        if (TimeOf(fields.GetValueOrDefault(CreatedAt)) is not { } created) return Bad(CreatedAt, "must be whole seconds since 1970-01-01 UTC");
        if (TimeOf(fields.GetValueOrDefault(UpdatedAt)) is not { } updated) return Bad(UpdatedAt, "must be whole seconds since 1970-01-01 UTC");
        if (fields.GetValueOrDefault(Reason) is not string reason) return Bad(Reason, "must be a string");
        return (new StepPlan(id, ruleId, quota!, start, steps, (int)next, created, updated, reason), null); // the key's fields were checked above
    }

    private static QuotaKey? KeyOf(IReadOnlyDictionary<string, object?> fields) =>
        fields.GetValueOrDefault(ServiceCode) is string { Length: > 0 } service && fields.GetValueOrDefault(QuotaCode) is string { Length: > 0 } code
        && fields.GetValueOrDefault(Region) is string { Length: > 0 } region
            ? new QuotaKey(service, code, region, fields.GetValueOrDefault(AccountId) as string is { Length: > 0 } a ? a : null)
            : null;

    private static List<double>? StepsOf(object? value)
    {
        if (value is not System.Collections.IEnumerable list || value is string) return null;
        var steps = new List<double>();
        foreach (var step in list)
        {
            if (step is not double v || !double.IsFinite(v) || v <= 0 || (steps.Count > 0 && v < steps[^1])) return null;
            steps.Add(v);
        }
        return steps.Count > 0 ? steps : null;
    }

    private static long? WholeOf(object? value) =>
        value is double d && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 1e15 ? (long)d : null;

    /// <summary>Seconds from year 1 to 9999, the range <see cref="DateTimeOffset"/> holds.</summary>
    private static DateTimeOffset? TimeOf(object? value) =>
        WholeOf(value) is { } s && s >= -62135596800L && s <= 253402300799L ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <summary>A field's stored value for a message: JSON, or "absent".</summary>
    private static string Show(IReadOnlyDictionary<string, object?> fields, string field) =>
        fields.TryGetValue(field, out var value) ? value is UnsupportedValue u ? u.What : Clip(JsonSerializer.Serialize(value)) : "absent";

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string Json(IReadOnlyDictionary<string, object?> fields) =>
        JsonSerializer.Serialize(fields.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(f => f.Key, f => f.Value is UnsupportedValue u ? u.What : f.Value));

    /// <summary>Checks what a store is about to write reads back as the same plan; a plan that would not is a bug in its maker.</summary>
    /// <exception cref="ArgumentException">The plan's first bad field, named.</exception>
    public static Dictionary<string, object?> Checked(StepPlan plan)
    {
        var fields = Of(plan);
        var (_, unreadable) = Read(string.Create(CultureInfo.InvariantCulture, $"{plan.Id} of {plan.Quota}"), fields);
        return unreadable is null ? fields : throw new ArgumentException($"not saved: {unreadable.Message}", nameof(plan));
    }
}
