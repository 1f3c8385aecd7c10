using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>Policies' monthly budgets in SQLite: one row per budget and month, read and changed in one IMMEDIATE transaction, so two shards can never both take the last of a budget.</summary>
public sealed class SqliteBudgetLedger(SqliteDatabase db) : IBudgetLedger
{
    public async Task<BudgetCharge> TryChargeAsync(string budgetKey, string month, double cost, double? limit, CancellationToken ct)
    {
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the write lock before the read
        double spent;
        await using (var read = SqliteDatabase.Command(connection, "SELECT spent FROM budget_spend WHERE budget_key = $key AND month = $month", ("$key", budgetKey), ("$month", month)))
        {
            read.Transaction = transaction;
            spent = await read.ExecuteScalarAsync(ct) is double d ? d : 0;
        }
        if (limit is { } l && spent + cost > l) return new BudgetCharge(false, spent);
        await using (var write = SqliteDatabase.Command(connection,
            "INSERT INTO budget_spend (budget_key, month, spent) VALUES ($key, $month, $spent) ON CONFLICT (budget_key, month) DO UPDATE SET spent = excluded.spent",
            ("$key", budgetKey), ("$month", month), ("$spent", spent + cost)))
        {
            write.Transaction = transaction;
            await write.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new BudgetCharge(true, spent);
    }

    public Task RefundAsync(string budgetKey, string month, double cost, CancellationToken ct) => TryChargeAsync(budgetKey, month, -cost, null, ct);

    public async Task<double> SpentAsync(string budgetKey, string month, CancellationToken ct) =>
        (await db.QueryAsync("SELECT spent FROM budget_spend WHERE budget_key = $key AND month = $month", row => row.GetDouble(0), ct, ("$key", budgetKey), ("$month", month)))
            .SingleOrDefault();
}
