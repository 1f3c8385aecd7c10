using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>Usage history per quota and time; a second write of the same sample is ignored.</summary>
public sealed class SqliteUsageHistory(SqliteDatabase db) : IUsageHistory
{
    public async Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return;
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        await using var command = SqliteDatabase.Command(connection,
            $"INSERT OR IGNORE INTO usage_history ({SqliteDatabase.KeyColumns}, ts, value) VALUES ($service, $quota, $region, $account, $ts, $value)",
            [.. SqliteDatabase.KeyParameters(key), ("$ts", 0L), ("$value", 0.0)]);
        command.Transaction = transaction;
        foreach (var sample in samples)
        {
            command.Parameters["$ts"].Value = SqliteDatabase.ToUnix(sample.Timestamp);
            command.Parameters["$value"].Value = sample.Value;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
        await db.QueryAsync(
            $"SELECT ts, value FROM usage_history WHERE {SqliteDatabase.KeyMatch} AND ts > $from AND ts <= $until ORDER BY ts",
            row => new UsageSample(SqliteDatabase.FromUnix(row.GetInt64(0)), row.GetDouble(1)), ct,
            [.. SqliteDatabase.KeyParameters(key), ("$from", SqliteDatabase.ToUnix(from)), ("$until", SqliteDatabase.ToUnix(until))]);
}
