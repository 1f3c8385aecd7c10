using System.Globalization;

namespace QuotaAutomation.Core.Audit;

/// <summary>
/// The structured details some records carry beside their message, for the readers that need numbers rather than prose
/// (reconciliation, the report): the values of an increase's intent, the status a request reached.
/// </summary>
public static class AuditDetails
{
    public const string DesiredValue = "desired_value";
    public const string CurrentValue = "current_value";
    public const string MonthlyCost = "monthly_cost";

    /// <summary>A request's status after a change (<c>request_status</c>): the Service Quotas API name, e.g. <c>APPROVED</c>.</summary>
    public const string Status = "status";

    /// <summary>An action's outcome (<c>Done</c>, <c>Skipped</c>, <c>Failed</c>: <see cref="Engine.ActionOutcome"/>).</summary>
    public const string Outcome = "outcome";

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static double? Number(IReadOnlyDictionary<string, string>? details, string key) =>
        details?.GetValueOrDefault(key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
}
