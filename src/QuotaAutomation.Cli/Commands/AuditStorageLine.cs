using System.Globalization;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>simulate fleet</c>'s line beside the bill: the audit table's storage at steady state, never added to the bill's total.</summary>
internal static class AuditStorageLine
{
    public static string Of(AuditStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return string.Create(CultureInfo.InvariantCulture,
            $"not in the issue's list, beside the bill: DynamoDB storage of the audit table at steady state ({storage.Retention.TotalDays:0} days' TTL): {storage.SteadyStateGb:#,0.0} GB ({storage.BytesADay / (1024 * 1024):#,0.0} MB a day of items and index entries) × ${storage.Price.UsdPerUnit:0.###} per GB-month = ${storage.UsdPerMonth:#,0.00} a month");
    }
}
