using System.Globalization;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local.Fleet;

/// <summary>
/// The size of a virtual organization: its member accounts and the Regions it uses. Kept in the database (table
/// <c>sim_state</c>) the first time a fleet runs on it, so every later run sees the same organization.
/// </summary>
public sealed record VirtualOrganizationSettings(int Accounts, IReadOnlyList<string> Regions)
{
    /// <summary>
    /// The 17 Regions AWS enables in every account by default (the opt-in ones are not among them), the busiest first,
    /// so a count picks the Regions fleets use most (3: us-east-1, eu-west-1, us-west-2).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultEnabledRegions =
    [
        "us-east-1", "eu-west-1", "us-west-2", "ap-southeast-1", "eu-central-1", "us-east-2", "ap-northeast-1", "ap-southeast-2", "eu-west-2",
        "ca-central-1", "ap-south-1", "us-west-1", "sa-east-1", "eu-north-1", "eu-west-3", "ap-northeast-2", "ap-northeast-3",
    ];

    /// <summary>A new virtual organization's size when the options do not say.</summary>
    public static readonly VirtualOrganizationSettings Default = new(10, DefaultEnabledRegions.Take(3).ToList());

    public const int MaxAccounts = 10_000;

    /// <summary>
    /// Reads <c>--regions</c>: a count (the first N of <see cref="DefaultEnabledRegions"/>) or a comma-separated list.
    /// </summary>
    public static IReadOnlyList<string> ParseRegions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return count is >= 1 and <= 17 ? DefaultEnabledRegions.Take(count).ToList()
                : throw new InvalidDataException($"--regions {count} must be 1 to 17 (the Regions every account has), or a list such as us-east-1,eu-west-1");
        var regions = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        var bad = regions.FirstOrDefault(r => !RegionName.IsValid(r));
        return bad is null && regions.Count > 0 ? regions
            : throw new InvalidDataException($"--regions '{text}' must be a count or Region names separated by commas, such as us-east-1,eu-west-1");
    }

    /// <summary>Checks the settings, naming the option and value that is wrong.</summary>
    public VirtualOrganizationSettings Validate() => Accounts is < 1 or > MaxAccounts
        ? throw new InvalidDataException($"--accounts {Accounts} must be 1 to {MaxAccounts:#,0}")
        : this;


    /// <summary>The settings the database keeps, or null when no fleet has run on it.</summary>
    public static async Task<VirtualOrganizationSettings?> ReadAsync(SqliteDatabase db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = (await db.QueryAsync("SELECT name, value FROM sim_state WHERE name IN ('fleet_accounts', 'fleet_regions')", r => (r.GetString(0), r.GetString(1)), ct))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        return rows.TryGetValue("fleet_accounts", out var accounts) && rows.TryGetValue("fleet_regions", out var regions)
            ? new VirtualOrganizationSettings(int.Parse(accounts, CultureInfo.InvariantCulture), regions.Split(','))
            : null;
    }

    /// <summary>Keeps these settings unless the database has some already (the first fleet run decides); returns the kept ones.</summary>
    public async Task<VirtualOrganizationSettings> KeepAsync(SqliteDatabase db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        Validate();
        await db.ExecuteAsync("INSERT OR IGNORE INTO sim_state (name, value) VALUES ('fleet_accounts', $a), ('fleet_regions', $r)", ct,
            ("$a", Accounts.ToString(CultureInfo.InvariantCulture)), ("$r", string.Join(',', Regions)));
        return await ReadAsync(db, ct) ?? this;
    }
}
