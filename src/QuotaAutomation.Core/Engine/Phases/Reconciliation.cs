using System.Globalization;
using QuotaAutomation.Core.Decisions;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>The intent details reconciliation reads: written by the act phase, read back by <see cref="ReconcilePhase"/>.</summary>
internal static class Reconciliation
{
    public const string DesiredValueKey = Audit.AuditDetails.DesiredValue;
    public const string SeverityKey = "severity";
    public const string AwsRequestIdKey = "aws_request_id";

    /// <param name="increase">An increase's intent also carries the value it starts from and its monthly cost, for the report.</param>
    public static IReadOnlyDictionary<string, string> Details(double? desiredValue = null, Severity? severity = null, string? awsRequestId = null, RequestIncrease? increase = null)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        if (desiredValue is { } d) details[DesiredValueKey] = d.ToString("R", CultureInfo.InvariantCulture);
        if (increase is not null)
        {
            details[Audit.AuditDetails.CurrentValue] = Audit.AuditDetails.Format(increase.CurrentValue);
            details[Audit.AuditDetails.MonthlyCost] = Audit.AuditDetails.Format(increase.EstimatedMonthlyCost);
        }
        if (severity is { } s) details[SeverityKey] = s.ToString();
        if (awsRequestId is { } id) details[AwsRequestIdKey] = id;
        return details;
    }

    public static double? DesiredValueOf(IReadOnlyDictionary<string, string> details) =>
        details.GetValueOrDefault(DesiredValueKey) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static Severity? SeverityOf(IReadOnlyDictionary<string, string> details) =>
        Enum.TryParse<Severity>(details.GetValueOrDefault(SeverityKey), out var severity) ? severity : null;
}
