using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>Usage history per quota and time; a second write at the same time replaces the value (as DynamoDB's put does).</summary>
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
        await transaction.CommitAsync(ct);
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
            $"SELECT ts, value FROM usage_history WHERE {SqliteDatabase.KeyMatch} AND ts > $from AND ts <= $until ORDER BY ts",
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
