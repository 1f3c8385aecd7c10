using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Plans;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// Step plans on the embedded backend: one row per quota in <c>step_plans</c> (the quota's key is the primary key), the
/// plan's other fields as JSON (<see cref="StepPlanFields"/>, the form DynamoDB holds too).
/// </summary>
/// <remarks>
/// <para>A save creates the quota's plan when it has none and replaces it only with the same plan (same id), in one
/// statement: two cycles that both planned a quota cannot both keep their plan. The second's save fails with an
/// <see cref="InvalidOperationException"/> before it files its step; a plan is replaced by another only after it is ended.</para>
/// <para>A row that does not read as a plan (a hand edit) is skipped by the listings, never failing them. A cycle's
/// <see cref="LoadAsync"/> also drops it: an Error audit record names the row, the field and the stored text, then the
/// row is deleted, so the rule decides afresh (and may plan again) instead of being stuck behind a row nobody can follow.
/// A save refused by such a row drops it the same way and saves.</para>
/// </remarks>
/// <param name="shardAccountId">With <paramref name="shardRegion"/>, a fleet shard's view (<see cref="ForShard"/>).</param>
public sealed class SqliteStepPlanStore(SqliteDatabase db, IAuditLog audit, TimeProvider time, string? shardAccountId = null, string? shardRegion = null) : IStepPlanStore
{
    /// <summary>The plans one fleet shard reads: its account's ("" for the hub's own) in its Region, as <see cref="SqliteRequestStore.ForShard"/>.</summary>
    public SqliteStepPlanStore ForShard(string accountId, string region) => new(db, audit, time, accountId, region);

    /// <summary>The plan id in a row's JSON, or null when the JSON is not valid (in a CASE: json_extract fails on invalid JSON).</summary>
    private const string StoredPlanId = "(CASE WHEN json_valid(item) THEN json_extract(item, '$.plan_id') END)";

    public async Task<IReadOnlyDictionary<QuotaKey, StepPlan>> LoadAsync(IReadOnlyCollection<QuotaKey> quotas, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        var plans = new Dictionary<QuotaKey, StepPlan>();
        if (quotas.Count == 0) return plans;
        var wanted = quotas.ToHashSet();
        foreach (var row in await RowsAsync(ct))
        {
            if (!wanted.Contains(row.Key)) continue;
            var (plan, unreadable) = Read(row);
            if (plan is not null) plans[row.Key] = plan;
            else await DropAsync(row, unreadable!, ct); // Read gives one or the other
        }
        return plans;
    }

    public async Task<IReadOnlyList<StepPlan>> ListAsync(CancellationToken ct) => (await ReadAllAsync(ct)).Plans;

    /// <summary>Every plan of the view and every row that does not read as one, oldest plan first (the <c>plans</c> command).</summary>
    public async Task<StepPlanListing> ReadAllAsync(CancellationToken ct)
    {
        return StepPlanListing.Of((await RowsAsync(ct)).Select(Read));
    }

    public async Task SaveAsync(StepPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var fields = StepPlanFields.Checked(plan);
        foreach (var key in (string[])[StepPlanFields.ServiceCode, StepPlanFields.QuotaCode, StepPlanFields.Region, StepPlanFields.AccountId]) fields.Remove(key); // the row's key columns hold them
        var item = AttributeJson.Serialize(fields);
        for (var attempt = 1; ; attempt++)
        {
            var written = await db.ExecuteAsync(
                $"INSERT INTO step_plans ({SqliteDatabase.KeyColumns}, item) VALUES ($service, $quota, $region, $account, $item) " +
                $"ON CONFLICT ({SqliteDatabase.KeyColumns}) DO UPDATE SET item = excluded.item WHERE {StoredPlanId} = $id", // unqualified, item is the stored row's
                ct, [.. SqliteDatabase.KeyParameters(plan.Quota), ("$item", item), ("$id", plan.Id)]);
            if (written == 1) return;
            // Refused: the quota's row holds another plan, or a row that is no plan at all (dropped, then saved again).
            var existing = (await RowsAsync(ct, plan.Quota)).SingleOrDefault();
            if (existing is not null && Read(existing) is ({ } other, _))
                throw new InvalidOperationException($"step plan {plan.Id} for {plan.Quota} (rule {plan.RuleId}) not saved: the quota already has plan {other.Id} " +
                    $"(rule {other.RuleId}, created {other.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC); a quota has one plan at a time, and another is made only after it ends");
            if (attempt == 2) throw new InvalidOperationException($"step plan {plan.Id} for {plan.Quota} (rule {plan.RuleId}) not saved: its row changed twice while saving");
            if (existing is not null) await DropAsync(existing, Read(existing).Unreadable!, ct); // not a plan (checked above)
        }
    }

    public async Task EndAsync(StepPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        // Only this plan: a stale cycle ending it after another plan took the quota leaves that one alone; a plan already gone is fine.
        await db.ExecuteAsync($"DELETE FROM step_plans WHERE {SqliteDatabase.KeyMatch} AND {StoredPlanId} = $id", ct, [.. SqliteDatabase.KeyParameters(plan.Quota), ("$id", plan.Id)]);
    }

    private sealed record Row(QuotaKey Key, string Item);

    private async Task<List<Row>> RowsAsync(CancellationToken ct, QuotaKey? only = null)
    {
        var place = shardAccountId is null ? "" : " AND account_id = $shardAccount AND region = $shardRegion";
        (string, object?)[] parameters = shardAccountId is null ? [] : [("$shardAccount", shardAccountId), ("$shardRegion", shardRegion)];
        if (only is not null) parameters = [.. parameters, .. SqliteDatabase.KeyParameters(only)];
        return await db.QueryAsync($"SELECT {SqliteDatabase.KeyColumns}, item FROM step_plans WHERE 1 = 1{place}{(only is null ? "" : " AND " + SqliteDatabase.KeyMatch)}",
            r => new Row(SqliteDatabase.ReadKey(r), r.GetString(4)), ct, parameters);
    }

    private static (StepPlan? Plan, UnreadableStepPlan? Unreadable) Read(Row row)
    {
        var name = $"step_plans row {row.Key}";
        Dictionary<string, object?> fields;
        try
        {
            using var document = JsonDocument.Parse(row.Item);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, new UnreadableStepPlan(name, "item", $"must be a JSON object of the plan's fields; it is a JSON {document.RootElement.ValueKind}", null, row.Key, row.Item));
            fields = AttributeJson.ToMap(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return (null, new UnreadableStepPlan(name, "item", $"must be a JSON object of the plan's fields: {e.Message}", null, row.Key, row.Item));
        }
        // The key columns are the row's identity: what the JSON says of the key is overruled by them.
        fields[StepPlanFields.ServiceCode] = row.Key.ServiceCode;
        fields[StepPlanFields.QuotaCode] = row.Key.QuotaCode;
        fields[StepPlanFields.Region] = row.Key.Region;
        fields[StepPlanFields.AccountId] = row.Key.AccountId;
        return StepPlanFields.Read(name, fields);
    }

    /// <summary>Audits the row (its text kept in the record), then deletes it if it is still the same text.</summary>
    private async Task DropAsync(Row row, UnreadableStepPlan unreadable, CancellationToken ct)
    {
        await audit.TryAppendAsync(unreadable.ToAudit(time.GetUtcNow()), ct);
        await db.ExecuteAsync($"DELETE FROM step_plans WHERE {SqliteDatabase.KeyMatch} AND item = $item", ct, [.. SqliteDatabase.KeyParameters(row.Key), ("$item", row.Item)]);
    }
}
