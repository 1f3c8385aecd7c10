using System.Globalization;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// The embedded backend's one SQLite file: rules, usage history, requests, approvals, step plans, audit, notifications
/// and the simulated account's state. WAL mode, so the CLI can read while a cycle writes; a connection per operation.
/// </summary>
public sealed class SqliteDatabase
{
    private const int SchemaVersion = 1;

    private SqliteDatabase(string path)
    {
        Path = path;
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string Path { get; }

    private string ConnectionString { get; }

    /// <summary>Opens the file, creating it and its tables when absent.</summary>
    public static async Task<SqliteDatabase> OpenAsync(string path, CancellationToken ct)
    {
        var db = new SqliteDatabase(path);
        await using var connection = await db.ConnectAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(ct);
        await AddAuditPlaceAsync(connection, ct);
        await AddColumnsAsync(connection, "approvals", "required_approvers", "ALTER TABLE approvals ADD COLUMN required_approvers INTEGER NOT NULL DEFAULT 1; ALTER TABLE approvals ADD COLUMN approvers TEXT;", ct);
        await AddColumnsAsync(connection, "approvals", "approver_groups", "ALTER TABLE approvals ADD COLUMN approver_groups TEXT;", ct);
        await AddColumnsAsync(connection, "requests", "charged", "ALTER TABLE requests ADD COLUMN charged TEXT;", ct);
        return db;
    }

    /// <summary>
    /// The audit's account and Region columns (the fleet's one central audit is read by account and Region), added to
    /// a file made before they existed; its older records keep them empty.
    /// </summary>
    private static async Task AddAuditPlaceAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var columns = Command(connection, "SELECT COUNT(*) FROM pragma_table_info('audit') WHERE name = 'account_id'");
        if ((long)(await columns.ExecuteScalarAsync(ct) ?? 0L) == 0)
        {
            try
            {
                await using var add = Command(connection, "ALTER TABLE audit ADD COLUMN account_id TEXT; ALTER TABLE audit ADD COLUMN region TEXT;");
                await add.ExecuteNonQueryAsync(ct);
            }
            catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.Ordinal)) // another process added them first
            {
            }
        }
        await using var index = Command(connection, "CREATE INDEX IF NOT EXISTS audit_by_place ON audit (account_id, region, ts)");
        await index.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Columns added after a table was first made (an approval's chain of approvers), added to a file made before them.</summary>
    private static async Task AddColumnsAsync(SqliteConnection connection, string table, string probe, string alter, CancellationToken ct)
    {
        await using var columns = Command(connection, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = $probe", ("$probe", probe));
        if ((long)(await columns.ExecuteScalarAsync(ct) ?? 0L) != 0) return;
        try
        {
            await using var add = Command(connection, alter);
            await add.ExecuteNonQueryAsync(ct);
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.Ordinal)) // another process added them first
        {
        }
    }

    /// <summary>Closes this file's pooled connections (and only this file's), so the file can be deleted.</summary>
    public void ReleaseConnections()
    {
        using var connection = new SqliteConnection(ConnectionString);
        SqliteConnection.ClearPool(connection);
    }

    public async Task<SqliteConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>Runs one statement with named parameters (<c>$name</c>) and returns the rows changed.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await ConnectAsync(ct);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// An insert that may lose to a uniqueness rule (a key or a unique index): the conditional write of the stores.
    /// </summary>
    /// <returns>False when a constraint refused the row.</returns>
    public async Task<bool> TryInsertAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        try
        {
            await ExecuteAsync(sql, ct, parameters);
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
        {
            return false;
        }
    }

    /// <summary>Runs a query and maps each row.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(map);
        await using var connection = await ConnectAsync(ct);
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(map(reader));
        return rows;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>The key columns every quota-keyed table shares; the caller's own account is stored as ''.</summary>
    public static (string, object?)[] KeyParameters(QuotaKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return [("$service", key.ServiceCode), ("$quota", key.QuotaCode), ("$region", key.Region), ("$account", key.AccountId ?? "")];
    }

    public static QuotaKey ReadKey(SqliteDataReader row, int first = 0)
    {
        ArgumentNullException.ThrowIfNull(row);
        var account = row.GetString(first + 3);
        return new QuotaKey(row.GetString(first), row.GetString(first + 1), row.GetString(first + 2), account.Length == 0 ? null : account);
    }

    public const string KeyColumns = "service_code, quota_code, region, account_id";
    public const string KeyMatch = "service_code = $service AND quota_code = $quota AND region = $region AND account_id = $account";

    public static long ToUnix(DateTimeOffset t) => t.ToUnixTimeSeconds();

    public static DateTimeOffset FromUnix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    public static DateTimeOffset? FromUnix(SqliteDataReader row, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.IsDBNull(ordinal) ? null : FromUnix(row.GetInt64(ordinal));
    }

    public static string? NullableString(SqliteDataReader row, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
    }

    private static readonly string Schema = string.Create(CultureInfo.InvariantCulture, $"""
        CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SchemaVersion}');

        -- Rules as typed by a person: the attribute map as JSON, parsed at every cycle like the DynamoDB items.
        CREATE TABLE IF NOT EXISTS rules (
            rule_id TEXT PRIMARY KEY, item TEXT NOT NULL, updated_at INTEGER NOT NULL);
        -- The organization's policies over rules (docs/governance.md), as typed, read at every cycle.
        CREATE TABLE IF NOT EXISTS policies (
            policy_id TEXT PRIMARY KEY, item TEXT NOT NULL, updated_at INTEGER NOT NULL);

        CREATE TABLE IF NOT EXISTS usage_history (
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            ts INTEGER NOT NULL, value REAL NOT NULL,
            PRIMARY KEY (service_code, quota_code, region, account_id, ts)) WITHOUT ROWID;
        -- The samples of usage_history older than its last day become one maximum per clock hour here (SqliteUsageHistory).
        CREATE INDEX IF NOT EXISTS usage_history_by_ts ON usage_history (ts);
        CREATE TABLE IF NOT EXISTS usage_hourly (
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            ts INTEGER NOT NULL, value REAL NOT NULL,
            PRIMARY KEY (service_code, quota_code, region, account_id, ts)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS requests (
            id TEXT PRIMARY KEY, rule_id TEXT NOT NULL,
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            from_value REAL NOT NULL, desired_value REAL NOT NULL, status TEXT NOT NULL, is_open INTEGER NOT NULL,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
            aws_request_id TEXT, case_id TEXT, approval_id TEXT, error TEXT, charged TEXT);
        -- The conditional write: at most one open request per quota, whatever the number of concurrent cycles.
        CREATE UNIQUE INDEX IF NOT EXISTS requests_one_open_per_quota
            ON requests (service_code, quota_code, region, account_id) WHERE is_open = 1;

        CREATE TABLE IF NOT EXISTS approvals (
            id TEXT PRIMARY KEY, rule_id TEXT NOT NULL,
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            current_value REAL NOT NULL, desired_value REAL NOT NULL, monthly_cost REAL NOT NULL, reason TEXT NOT NULL,
            severity INTEGER NOT NULL, utilization REAL NOT NULL, status TEXT NOT NULL, is_active INTEGER NOT NULL,
            created_at INTEGER NOT NULL, decided_at INTEGER, decided_by TEXT, comment TEXT,
            required_approvers INTEGER NOT NULL DEFAULT 1, approvers TEXT, approver_groups TEXT);
        CREATE UNIQUE INDEX IF NOT EXISTS approvals_one_active_per_quota
            ON approvals (service_code, quota_code, region, account_id) WHERE is_active = 1;

        -- The approval door: the task token a (simulated) workflow waits on, and link nonces already spent.
        CREATE TABLE IF NOT EXISTS approval_tokens (approval_id TEXT PRIMARY KEY, token TEXT NOT NULL, expires INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS used_link_nonces (nonce TEXT PRIMARY KEY, approval_id TEXT NOT NULL, expires INTEGER NOT NULL);

        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, run_id TEXT NOT NULL, ts INTEGER NOT NULL,
            kind TEXT NOT NULL, rule_id TEXT NOT NULL, quota TEXT, action TEXT NOT NULL, message TEXT NOT NULL,
            action_id TEXT, details TEXT);
        CREATE INDEX IF NOT EXISTS audit_by_rule ON audit (rule_id, seq);
        -- Reconciliation: intents by time, outcomes by intent, cycle ends by run.
        CREATE INDEX IF NOT EXISTS audit_by_time ON audit (ts);
        CREATE INDEX IF NOT EXISTS audit_by_action_id ON audit (action_id);
        CREATE INDEX IF NOT EXISTS audit_by_run ON audit (run_id);
        -- Append-only, as the DynamoDB audit table is for the Lambda's role.
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

        CREATE TABLE IF NOT EXISTS notifications (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, topic TEXT NOT NULL, subject TEXT NOT NULL,
            message TEXT NOT NULL, rule_id TEXT NOT NULL, quota TEXT, severity TEXT);

        CREATE TABLE IF NOT EXISTS events (
            event_id TEXT PRIMARY KEY, event_type TEXT NOT NULL, source TEXT NOT NULL, ts INTEGER NOT NULL,
            quota TEXT, detail TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS alerts_sent (
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            severity TEXT NOT NULL, last_sent INTEGER NOT NULL,
            PRIMARY KEY (service_code, quota_code, region, account_id, severity));

        -- AWS's open requests per account, shared by a fleet's parallel shards: each account's open request keys.
        CREATE TABLE IF NOT EXISTS request_budget (account_id TEXT PRIMARY KEY, open_keys TEXT NOT NULL);
        -- Policies' monthly budgets (IBudgetLedger): what the increases filed in a month added to the monthly cost of quotas.
        CREATE TABLE IF NOT EXISTS budget_spend (budget_key TEXT NOT NULL, month TEXT NOT NULL, spent REAL NOT NULL, PRIMARY KEY (budget_key, month)) WITHOUT ROWID;
        -- Shards an event woke (IShardWakes): one row per (shard, quota id); '*' alone wakes the shard with no quota named.
        CREATE TABLE IF NOT EXISTS shard_wakes (shard_id TEXT NOT NULL, quota_id TEXT NOT NULL, PRIMARY KEY (shard_id, quota_id)) WITHOUT ROWID;

        -- Step plans (issue 16, SqliteStepPlanStore): the key is the quota's, so a quota has one plan at most; the plan's
        -- other fields as JSON (Core's StepPlanFields), its plan_id read by json_extract for the conditional writes.
        CREATE TABLE IF NOT EXISTS step_plans (
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL, item TEXT NOT NULL,
            PRIMARY KEY (service_code, quota_code, region, account_id)) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS sim_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sim_quotas (
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            quota_name TEXT NOT NULL, value REAL NOT NULL, initial_value REAL NOT NULL, adjustable INTEGER NOT NULL,
            unit TEXT NOT NULL, profile TEXT NOT NULL,
            PRIMARY KEY (service_code, quota_code, region, account_id));
        CREATE TABLE IF NOT EXISTS sim_requests (
            id TEXT PRIMARY KEY,
            service_code TEXT NOT NULL, quota_code TEXT NOT NULL, region TEXT NOT NULL, account_id TEXT NOT NULL,
            desired_value REAL NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, decide_at INTEGER NOT NULL,
            verdict TEXT NOT NULL, case_id TEXT);
        -- A virtual organization's accounts share the two tables: each account reads and settles only its own rows.
        CREATE INDEX IF NOT EXISTS sim_quotas_by_account ON sim_quotas (account_id, region);
        CREATE INDEX IF NOT EXISTS sim_requests_by_account ON sim_requests (account_id, status);
        -- A fleet shard follows its own account and Region's requests and approvals.
        CREATE INDEX IF NOT EXISTS requests_by_place ON requests (account_id, region, is_open);
        CREATE INDEX IF NOT EXISTS approvals_by_place ON approvals (account_id, region, is_active);
        """);
}
