using System.Globalization;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The fleet settings (docs/fleet.md): <c>QA_FLEET_BUCKET</c> turns the fleet steps on; <c>QA_FLEET_REGIONS</c>
/// says what <c>region: '*'</c> means; <c>QA_FLEET_ACCOUNT_RATE</c> is one account's API requests per second, shared by
/// its shards; <c>QA_ALERT_ROUTES</c> routes alerts by account or OU; <c>QA_ALERT_CONTACTS=operations</c> also
/// subscribes each account's operations alternate contact to its alerts. <c>QA_FLEET_SHARDS_AT_ONCE</c> is how many
/// shards of its batch one invocation runs at once; <c>QA_FLEET_NEW_SHARDS_PER_CYCLE</c> how many never-run shards a
/// plan admits (each backfills 14 days in its first run); <c>QA_FLEET_TABLE_UNITS</c> the usage table's read and write
/// units a second a cycle's shards split (each keeps to this × its <c>table_share</c>).
/// </summary>
public sealed record FleetOptions(string? Bucket, IReadOnlyList<string>? Regions, double AccountRate, AlertRoutes Routes, bool NotifyOperationsContacts = false)
{
    /// <summary>The most new shards a plan may be set to admit: far past any organization's shards (5,000 accounts × 17 Regions).</summary>
    public const int MaxNewShardsPerCycle = 100_000;

    public int ShardsAtOnce { get; init; } = ShardBatch.DefaultShardsAtOnce;

    public int NewShardsPerCycle { get; init; } = FleetSchedule.DefaultNewShardsPerCycle;

    public double TableUnits { get; init; } = TableShares.DefaultTableUnits;

    /// <summary>DynamoDB's largest on-demand table maximum a quota increase can reach is far below this; a bigger value is a typo.</summary>
    public const double MaxTableUnits = 10_000_000;

    /// <summary>Requests per second per account when unset: half of Service Quotas' 10/s for ListServiceQuotas, so other callers keep room.</summary>
    public const double DefaultAccountRate = 5;

    public static FleetOptions FromEnvironment(Func<string, string?> variable, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(variable);
        ArgumentNullException.ThrowIfNull(problems);
        var bucket = variable("QA_FLEET_BUCKET")?.Trim() is { Length: > 0 } b ? b : null;
        if (bucket is not null && (bucket.Length is < 3 or > 63 || !bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')))
            problems.Add($"QA_FLEET_BUCKET '{bucket}' must be an S3 bucket name (3-63 lower-case letters, digits, '-' or '.')");
        IReadOnlyList<string>? regions = null;
        if (variable("QA_FLEET_REGIONS")?.Trim() is { Length: > 0 } list)
        {
            regions = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var bad in regions.Where(r => !RegionName.IsValid(r)))
                problems.Add($"QA_FLEET_REGIONS: '{bad}' is not a Region such as us-east-1");
        }
        var rate = DefaultAccountRate;
        if (variable("QA_FLEET_ACCOUNT_RATE")?.Trim() is { Length: > 0 } r
            && (!double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || !double.IsFinite(rate) || rate is < 0.1 or > 100))
        {
            problems.Add($"QA_FLEET_ACCOUNT_RATE '{r}' must be requests per second from 0.1 to 100");
            rate = DefaultAccountRate;
        }
        var tableUnits = TableShares.DefaultTableUnits;
        if (variable("QA_FLEET_TABLE_UNITS")?.Trim() is { Length: > 0 } u
            && (!double.TryParse(u, NumberStyles.Float, CultureInfo.InvariantCulture, out tableUnits) || !double.IsFinite(tableUnits) || tableUnits is < 1 or > MaxTableUnits))
        {
            problems.Add($"QA_FLEET_TABLE_UNITS '{u}' must be request units per second from 1 to 10000000");
            tableUnits = TableShares.DefaultTableUnits;
        }
        var routes = AlertRoutes.Parse("QA_ALERT_ROUTES", variable("QA_ALERT_ROUTES"));
        if (!routes.Success) problems.Add(routes.Error!); // Error is set when !Success
        var contacts = variable("QA_ALERT_CONTACTS")?.Trim() is { Length: > 0 } c ? c : "none";
        if (contacts is not ("none" or "operations")) problems.Add($"QA_ALERT_CONTACTS '{contacts}' must be none or operations");
        return new FleetOptions(bucket, regions, rate, routes.Success ? routes.Value : AlertRoutes.None, contacts == "operations")
        {
            ShardsAtOnce = WholeNumber(variable, "QA_FLEET_SHARDS_AT_ONCE", ShardBatch.DefaultShardsAtOnce, ShardBatch.MaxShardsAtOnce, "shards one invocation runs at once", problems),
            TableUnits = tableUnits,
            NewShardsPerCycle = WholeNumber(variable, "QA_FLEET_NEW_SHARDS_PER_CYCLE", FleetSchedule.DefaultNewShardsPerCycle, MaxNewShardsPerCycle, "new shards a fleet cycle admits", problems),
        };
    }

    private static int WholeNumber(Func<string, string?> variable, string name, int unset, int most, string what, List<string> problems)
    {
        if (variable(name)?.Trim() is not { Length: > 0 } text) return unset;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= most) return value;
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} '{text}' must be a whole number of {what} from 1 to {most}"));
        return unset;
    }
}
