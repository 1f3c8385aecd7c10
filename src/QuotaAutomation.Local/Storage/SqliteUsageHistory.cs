using System.Globalization;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// Usage history per quota and time at two resolutions (<see cref="UsageResolution"/>, docs/fleet-window.md):
/// <c>usage_history</c> keeps the samples as read from the start of the clock hour a day before the newest sample
/// appended; each append moves, in its own transaction, the samples older than that into <c>usage_hourly</c>, one
/// maximum per quota and clock hour (merged with what the hour already holds), and deletes them. So the window stays
/// at about 312 hourly + 300 five-minute rows a quota however long it runs, and a crash leaves the rows as they were.
/// A second write at the same time replaces the value (as DynamoDB's put does: a detailed read over periods the report sampled).
/// </summary>
public sealed class SqliteUsageHistory(SqliteDatabase db) : IUsageHistory
{
    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) =>
        AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = samples }, ct);

    /// <summary>Every quota's new samples in one transaction (one commit per cycle, not one per quota).</summary>
    public async Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Values.All(s => s.Count == 0)) return;
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        await using var command = SqliteDatabase.Command(connection,
            $"INSERT OR REPLACE INTO usage_history ({SqliteDatabase.KeyColumns}, ts, value) VALUES ($service, $quota, $region, $account, $ts, $value)",
            [("$service", ""), ("$quota", ""), ("$region", ""), ("$account", ""), ("$ts", 0L), ("$value", 0.0)]);
        command.Transaction = transaction;
        foreach (var (key, added) in samples)
        {
            foreach (var (name, value) in SqliteDatabase.KeyParameters(key)) command.Parameters[name].Value = value;
            foreach (var sample in added)
            {
                command.Parameters["$ts"].Value = SqliteDatabase.ToUnix(sample.Timestamp);
                command.Parameters["$value"].Value = sample.Value;
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        await CompactAsync(connection, transaction, UsageResolution.FineFrom(samples.Values.SelectMany(s => s).Max(s => s.Timestamp)), ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Moves every quota's samples older than <paramref name="fineFrom"/> (or than the boundary an earlier append
    /// reached: it never moves back, so an append of older samples cannot put a 5-minute row beside its hour's maximum)
    /// into <c>usage_hourly</c>. The index on <c>ts</c> finds only the rows that aged since the last append.
    /// </summary>
    private static async Task CompactAsync(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset fineFrom, CancellationToken ct)
    {
        var boundary = SqliteDatabase.ToUnix(fineFrom);
        await using (var stored = SqliteDatabase.Command(connection, "SELECT value FROM meta WHERE name = 'usage_fine_from'"))
        {
            stored.Transaction = transaction;
            if (await stored.ExecuteScalarAsync(ct) is string text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var reached))
                boundary = Math.Max(boundary, reached);
        }
        var hour = (long)UsageResolution.Hour.TotalSeconds;
        await using var compact = SqliteDatabase.Command(connection, $"""
            INSERT INTO usage_hourly ({SqliteDatabase.KeyColumns}, ts, value)
                SELECT {SqliteDatabase.KeyColumns}, ts - ts % {hour}, MAX(value) FROM usage_history WHERE ts < $boundary
                GROUP BY {SqliteDatabase.KeyColumns}, ts - ts % {hour}
                ON CONFLICT ({SqliteDatabase.KeyColumns}, ts) DO UPDATE SET value = MAX(value, excluded.value);
            DELETE FROM usage_history WHERE ts < $boundary;
            INSERT INTO meta (name, value) VALUES ('usage_fine_from', $text) ON CONFLICT (name) DO UPDATE SET value = excluded.value;
            """, [("$boundary", boundary), ("$text", boundary.ToString(CultureInfo.InvariantCulture))]);
        compact.Transaction = transaction;
        await compact.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
        (await ReadManyAsync([key], from, until, ct))[key];

    /// <summary>Every window through one connection and one prepared statement.</summary>
    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadManyAsync(
        IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var windows = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        if (keys.Count == 0) return windows;
        await using var connection = await db.ConnectAsync(ct);
        await using var command = SqliteDatabase.Command(connection,
            $"""
            SELECT ts, value FROM usage_hourly WHERE {SqliteDatabase.KeyMatch} AND ts > $from AND ts <= $until
            UNION ALL
            SELECT ts, value FROM usage_history WHERE {SqliteDatabase.KeyMatch} AND ts > $from AND ts <= $until
            ORDER BY ts
            """,
            [("$service", ""), ("$quota", ""), ("$region", ""), ("$account", ""), ("$from", SqliteDatabase.ToUnix(from)), ("$until", SqliteDatabase.ToUnix(until))]);
        foreach (var key in keys.Distinct())
        {
            foreach (var (name, value) in SqliteDatabase.KeyParameters(key)) command.Parameters[name].Value = value;
            var samples = new List<UsageSample>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) samples.Add(new UsageSample(SqliteDatabase.FromUnix(reader.GetInt64(0)), reader.GetDouble(1)));
            }
            windows[key] = samples;
        }
        return windows;
    }
}
