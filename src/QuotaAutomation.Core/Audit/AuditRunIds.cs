using System.Globalization;

namespace QuotaAutomation.Core.Audit;

/// <summary>The run id of audit records written outside a cycle (a person's command, an approval, a rejected invocation): who, when, and a random tail, 40 characters.</summary>
public static class AuditRunIds
{
    public static string For(string prefix, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{now:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..40];
}
