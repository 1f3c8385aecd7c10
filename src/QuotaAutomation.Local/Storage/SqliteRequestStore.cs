using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// Increase requests and approvals. The "one open per quota" rule is a unique partial index, so a reservation that
/// loses a race fails in the database, not in a check-then-write.
/// </summary>
/// <param name="shardAccountId">With <paramref name="shardRegion"/>, a fleet shard's view (<see cref="ForShard"/>).</param>
public sealed class SqliteRequestStore(SqliteDatabase db, string? shardAccountId = null, string? shardRegion = null) : IRequestStore, IApprovalStore
{
    /// <summary>The lists' extra condition for a shard: its own account and Region only (through the place indexes).</summary>
    private string Place => shardAccountId is null ? "" : " AND account_id = $shardAccount AND region = $shardRegion";

    /// <summary>
    /// The requests and approvals one fleet shard follows: those of its account (the <c>account_id</c> its quota keys
    /// carry, "" for the hub's own) in its Region. Shards of one account run in parallel, one per Region: each follows
    /// its own Region's, so none reads or updates another's.
    /// </summary>
    public SqliteRequestStore ForShard(string accountId, string region) => new(db, accountId, region);

    private const string RequestColumns =
        "id, rule_id, service_code, quota_code, region, account_id, from_value, desired_value, status, created_at, updated_at, aws_request_id, case_id, approval_id, error, charged";

    private const string ApprovalColumns =
        "id, rule_id, service_code, quota_code, region, account_id, current_value, desired_value, monthly_cost, reason, severity, utilization, status, created_at, decided_at, decided_by, comment, required_approvers, approvers, approver_groups";

    public async Task<QuotaRequest?> FindRequestAsync(string id, CancellationToken ct) =>
        (await db.QueryAsync($"SELECT {RequestColumns} FROM requests WHERE id = $id", ReadRequest, ct, ("$id", id))).SingleOrDefault();

    public async Task<IReadOnlyList<QuotaRequest>> ListOpenAsync(CancellationToken ct) =>
        await db.QueryAsync($"SELECT {RequestColumns} FROM requests WHERE is_open = 1{Place} ORDER BY created_at, id", ReadRequest, ct, ShardParameters);

    /// <summary>Every request, newest first, for the CLI.</summary>
    public async Task<IReadOnlyList<QuotaRequest>> ListRequestsAsync(int limit, CancellationToken ct) =>
        await db.QueryAsync($"SELECT {RequestColumns} FROM requests ORDER BY created_at DESC, id DESC LIMIT $limit", ReadRequest, ct, ("$limit", limit));

    public async Task<bool> TryReserveAsync(QuotaRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await db.TryInsertAsync($"INSERT INTO requests ({RequestColumns}, is_open) VALUES ($id, $rule, $service, $quota, $region, $account, $from, $desired, $status, $created, $updated, $aws, $case, $approval, $error, $charged, $open)",
            ct, RequestParameters(request));
    }

    public async Task UpdateAsync(QuotaRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var changed = await db.ExecuteAsync(
            "UPDATE requests SET from_value = $from, desired_value = $desired, status = $status, is_open = $open, updated_at = $updated, aws_request_id = $aws, case_id = $case, approval_id = $approval, error = $error WHERE id = $id",
            ct, RequestParameters(request));
        if (changed != 1) throw new InvalidOperationException($"request {request.Id} does not exist");
    }

    public async Task<IReadOnlyList<QuotaRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct) =>
        await db.QueryAsync($"SELECT {RequestColumns} FROM requests WHERE status IN ('Denied', 'NotApproved') AND updated_at > $since{Place} ORDER BY updated_at",
            ReadRequest, ct, [("$since", SqliteDatabase.ToUnix(since)), .. ShardParameters]);

    async Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct) =>
        await db.QueryAsync($"SELECT {ApprovalColumns} FROM approvals WHERE status = 'Denied' AND decided_at > $since{Place} ORDER BY decided_at",
            ReadApproval, ct, [("$since", SqliteDatabase.ToUnix(since)), .. ShardParameters]);

    public async Task<bool> TryStartAsync(ApprovalRequest approval, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return await db.TryInsertAsync($"INSERT INTO approvals ({ApprovalColumns}, is_active) VALUES ($id, $rule, $service, $quota, $region, $account, $current, $desired, $cost, $reason, $severity, $utilization, $status, $created, $decided, $by, $comment, $required, $approvers, $groups, $active)",
            ct, ApprovalParameters(approval));
    }

    public async Task<IReadOnlyList<ApprovalRequest>> ListActiveAsync(CancellationToken ct) =>
        await db.QueryAsync($"SELECT {ApprovalColumns} FROM approvals WHERE is_active = 1{Place} ORDER BY created_at, id", ReadApproval, ct, ShardParameters);

    public async Task<IReadOnlyList<ApprovalRequest>> ListApprovalsAsync(int limit, CancellationToken ct) =>
        await db.QueryAsync($"SELECT {ApprovalColumns} FROM approvals ORDER BY created_at DESC, id DESC LIMIT $limit", ReadApproval, ct, ("$limit", limit));

    public async Task<ApprovalRequest?> FindApprovalAsync(string id, CancellationToken ct) =>
        (await db.QueryAsync($"SELECT {ApprovalColumns} FROM approvals WHERE id = $id", ReadApproval, ct, ("$id", id))).SingleOrDefault();

    public async Task UpdateAsync(ApprovalRequest approval, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var changed = await db.ExecuteAsync(
            "UPDATE approvals SET status = $status, is_active = $active, decided_at = $decided, decided_by = $by, comment = $comment, approvers = $approvers WHERE id = $id",
            ct, ApprovalParameters(approval));
        if (changed != 1) throw new InvalidOperationException($"approval {approval.Id} does not exist");
    }

    private (string, object?)[] ShardParameters => shardAccountId is null ? [] : [("$shardAccount", shardAccountId), ("$shardRegion", shardRegion)];

    private static (string, object?)[] RequestParameters(QuotaRequest r) =>
    [
        ("$id", r.Id), ("$rule", r.RuleId), .. SqliteDatabase.KeyParameters(r.Quota), ("$from", r.FromValue), ("$desired", r.DesiredValue),
        ("$status", r.Status.ToString()), ("$open", r.Status.IsOpen() ? 1 : 0), ("$created", SqliteDatabase.ToUnix(r.CreatedAt)),
        ("$updated", SqliteDatabase.ToUnix(r.UpdatedAt)), ("$aws", r.AwsRequestId), ("$case", r.CaseId), ("$approval", r.ApprovalId), ("$error", r.Error),
        ("$charged", Core.Governance.ChargedBudgets.ToJson(r.Charged)),
    ];

    private static QuotaRequest ReadRequest(SqliteDataReader row) => new(
        row.GetString(0), row.GetString(1), SqliteDatabase.ReadKey(row, 2), row.GetDouble(6), row.GetDouble(7),
        Enum.Parse<RequestStatus>(row.GetString(8)), SqliteDatabase.FromUnix(row.GetInt64(9)), SqliteDatabase.FromUnix(row.GetInt64(10)),
        SqliteDatabase.NullableString(row, 11), SqliteDatabase.NullableString(row, 12), SqliteDatabase.NullableString(row, 13), SqliteDatabase.NullableString(row, 14))
    {
        Charged = Core.Governance.ChargedBudgets.FromJson(SqliteDatabase.NullableString(row, 15)),
    };

    private static (string, object?)[] ApprovalParameters(ApprovalRequest a) =>
    [
        ("$id", a.Id), ("$rule", a.RuleId), .. SqliteDatabase.KeyParameters(a.Quota), ("$current", a.CurrentValue), ("$desired", a.DesiredValue),
        ("$cost", a.EstimatedMonthlyCost), ("$reason", a.Reason), ("$severity", (int)a.Severity), ("$utilization", double.IsFinite(a.UtilizationPercent) ? a.UtilizationPercent : 1e9),
        ("$status", a.Status.ToString()), ("$active", a.Status is ApprovalStatus.Waiting or ApprovalStatus.Approved ? 1 : 0),
        ("$created", SqliteDatabase.ToUnix(a.CreatedAt)), ("$decided", a.DecidedAt is { } d ? SqliteDatabase.ToUnix(d) : null), ("$by", a.DecidedBy), ("$comment", a.Comment),
        ("$required", a.RequiredApprovers), ("$approvers", a.Approvers.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(a.Approvers)),
        ("$groups", ApproverGroup.ToJson(a.ApproverGroups)),
    ];

    private static ApprovalRequest ReadApproval(SqliteDataReader row) => new(
        row.GetString(0), row.GetString(1), SqliteDatabase.ReadKey(row, 2), row.GetDouble(6), row.GetDouble(7), row.GetDouble(8), row.GetString(9),
        (Severity)row.GetInt32(10), row.GetDouble(11), Enum.Parse<ApprovalStatus>(row.GetString(12)), SqliteDatabase.FromUnix(row.GetInt64(13)),
        SqliteDatabase.FromUnix(row, 14), SqliteDatabase.NullableString(row, 15), SqliteDatabase.NullableString(row, 16))
    {
        RequiredApprovers = row.GetInt32(17),
        Approvers = SqliteDatabase.NullableString(row, 18) is { } json ? System.Text.Json.JsonSerializer.Deserialize<string[]>(json) ?? [] : [],
        ApproverGroups = ApproverGroup.FromJson(SqliteDatabase.NullableString(row, 19)),
    };
}
