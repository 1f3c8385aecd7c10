using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The fleet state machine's three Lambda steps (HELPERS.md's payload contract): plan, one Map batch of shards, summary.
/// Each audits what it did with the run id and, per account and Region, <c>Details</c> naming them.
/// </summary>
internal sealed class FleetHandlers(LambdaServices services)
{
    private int _records;

    private FleetServices Fleet => services.Fleet
        ?? throw new InvalidOperationException("this function is not set up for fleet runs: QA_FLEET_BUCKET is missing");

    public async Task<JsonObject> PlanAsync(FleetPlanStep step, CancellationToken ct)
    {
        var fleet = Fleet;
        var now = services.Time.GetUtcNow();
        var runId = step.FleetRunId ?? string.Create(CultureInfo.InvariantCulture, $"fleet-{now:yyyyMMdd'T'HHmmss'Z'}-{services.EngineOptions.NewRunNonce()}");
        var organization = await fleet.Organization.ReadAsync(ct);
        var rules = new List<QuotaRule>();
        var items = new Dictionary<string, RawRule>(StringComparer.Ordinal);
        var rejected = 0;
        foreach (var raw in await services.Ports.Rules.LoadRulesAsync(ct))
        {
            var parsed = RuleParser.Parse(raw);
            if (parsed.Success)
            {
                rules.Add(parsed.Value);
                items[parsed.Value.RuleId] = raw;
            }
            else
            {
                rejected++;
                await AuditAsync(runId, AuditKind.RuleRejected, RuleParser.NameOf(raw), "rule_rejected", parsed.Error!, null, ct); // Error is set when !Success
            }
        }
        var hub = await fleet.HubAccountId(ct);
        var everyShard = FleetPlanner.Plan(runId, rules, organization, new FleetSettings(fleet.Regions, hub, fleet.HomeRegion));
        var scheduled = await ScheduleAsync(runId, everyShard, items, now, step.All, ct);
        var plan = scheduled.Due;
        var key = FleetServices.ShardsKey(runId);
        await fleet.Store.PutTextAsync(key, FleetShardJson.WriteLines(plan.Shards), ct); // empty when no shard is due: the state machine skips the Map
        await fleet.Store.PutTextAsync(FleetServices.PlannedKey(runId), FleetScheduleJson.Write(scheduled.Planned), ct);
        var routes = RoutesFor(fleet.Routes, organization, plan);
        if (routes.Count > 0) await fleet.Store.PutTextAsync(FleetServices.RoutesKey(runId), JsonSerializer.Serialize(routes), ct);
        await SubscribeContactsAsync(runId, organization, plan, routes, ct);

        foreach (var skipped in plan.Skipped)
            await AuditAsync(runId, AuditKind.Decision, "-", "fleet_account_skipped", $"account {skipped.AccountId} ({skipped.Name}) skipped: {skipped.Reason}", Details(runId, skipped.AccountId, null), ct);
        foreach (var overlap in plan.Overlaps)
            await AuditAsync(runId, AuditKind.Decision, overlap.Winner, "fleet_rule_overlap", overlap.ToString(), null, ct);
        var summary = $"fleet run {runId}: {plan.Shards.Count} shard(s) due of {scheduled.Planned.Count} planned ({scheduled.NotDue} not due{(step.All ? ", all forced" : "")}{Deferred(scheduled.NewDeferred, fleet.NewShardsPerCycle)}) over {plan.Accounts} account(s) of {organization.Accounts.Count}; {plan.Skipped.Count} skipped; {plan.Overlaps.Count} overlap(s); {rejected} rule(s) rejected; shards at s3://{fleet.Store.Bucket}/{key}";
        await AuditAsync(runId, AuditKind.Cycle, "-", "fleet_plan", summary, null, ct);
        services.Log.Info("fleet planned", ("fleet_run_id", runId), ("shards", plan.Shards.Count), ("planned", scheduled.Planned.Count), ("not_due", scheduled.NotDue), ("new_deferred", scheduled.NewDeferred),
            ("accounts", plan.Accounts), ("skipped", plan.Skipped.Count), ("rules_rejected", rejected));
        return new JsonObject
        {
            ["fleet_run_id"] = runId,
            ["bucket"] = fleet.Store.Bucket,
            ["key"] = key,
            ["shards"] = plan.Shards.Count,
            ["planned"] = scheduled.Planned.Count,
            ["due"] = plan.Shards.Count,
            ["not_due"] = scheduled.NotDue,
            ["new_deferred"] = scheduled.NewDeferred,
            ["accounts"] = plan.Accounts,
            ["skipped"] = new JsonArray(plan.Skipped.Select(s => (JsonNode)new JsonObject { ["account_id"] = s.AccountId, ["name"] = Echo.Of(s.Name), ["reason"] = Echo.Of(s.Reason) }).ToArray()),
        };
    }

    public async Task<JsonObject> ShardAsync(FleetShardBatch batch, CancellationToken ct)
    {
        var fleet = Fleet;
        var hub = await fleet.HubAccountId(ct);
        var routes = fleet.Routes.Routes.Count == 0 ? new Dictionary<string, string>()
            : await fleet.Store.GetTextAsync(fleet.Store.Bucket, FleetServices.RoutesKey(batch.FleetRunId), ct) is { } text
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(text) ?? []
                : [];
        var runner = fleet.Runner(hub, routes);
        var results = new List<ShardResult>(await new ShardBatch(runner, fleet.ShardsAtOnce).RunAsync(batch.Shards, ct));
        results.AddRange(batch.BadItems.Select(b => new ShardResult(b.ShardId, b.AccountId, b.Region, ShardResult.Failed, 0, 0, 1, b.Error)));
        foreach (var r in results)
            await AuditAsync(batch.FleetRunId, r.Status == ShardResult.Failed ? AuditKind.Error : AuditKind.Cycle, "-", "fleet_shard",
                string.Create(CultureInfo.InvariantCulture, $"shard {r.ShardId} (account {r.AccountId}, {r.Region}): {r.Status}, {r.Rules} rule(s), {r.Actions} action(s), {r.Errors} error(s){(r.Error is { } e ? $": {e}" : "")}"),
                Details(batch.FleetRunId, r.AccountId, r.Region), CancellationToken.None);
        services.Log.Info("fleet batch finished", ("fleet_run_id", batch.FleetRunId), ("shards", results.Count), ("failed", results.Count(r => r.Status == ShardResult.Failed)));
        return new JsonObject { ["results"] = new JsonArray(results.Select(r => (JsonNode)ToJson(r)).ToArray()) };
    }

    public async Task<JsonObject> SummaryAsync(FleetSummaryStep step, CancellationToken ct)
    {
        var fleet = Fleet;
        var (results, problems) = await MapResults.ReadAsync(step.Map, fleet.Store, ct);
        await RescheduleAsync(step.FleetRunId, results, ct);
        var summary = FleetSummary.From(results);
        var digest = summary.Digest();
        if (problems.Count > 0) digest += "\n" + string.Join("\n", problems.Select(p => $"- result unreadable: {p}"));
        await services.Ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts, $"Fleet run {step.FleetRunId}: {summary.Status}", Echo.Of(digest), "-", null, null), ct);
        await AuditAsync(step.FleetRunId, summary.Failed > 0 || problems.Count > 0 ? AuditKind.Error : AuditKind.Cycle, "-", "fleet_summary", digest, null, ct);
        return new JsonObject
        {
            ["status"] = problems.Count > 0 && summary.Status == ShardResult.Ok ? ShardResult.Partial : summary.Status,
            ["shards"] = summary.Shards,
            ["failed"] = summary.Failed,
            ["accounts_failed"] = new JsonArray(summary.AccountsFailed.Select(a => (JsonNode)a.AccountId).ToArray()),
            ["digest"] = digest,
        };
    }

    /// <summary>
    /// The due shards of the plan: the schedule (<c>fleet/schedule.json</c>; unreadable: every shard due, audited), the
    /// wakes taken, and <paramref name="all"/> (<c>{"fleet":"plan","all":true}</c>) forcing every shard.
    /// </summary>
    private async Task<ScheduledPlan> ScheduleAsync(string runId, FleetPlan plan, IReadOnlyDictionary<string, RawRule> items, DateTimeOffset now, bool all, CancellationToken ct)
    {
        var fleet = Fleet;
        var (schedule, problem) = FleetScheduleJson.Read(await fleet.Store.GetTextAsync(fleet.Store.Bucket, FleetScheduleJson.Key, ct), ScheduleName(fleet));
        if (problem is not null) await AuditAsync(runId, AuditKind.Error, "-", "fleet_schedule", problem, null, ct);
        var wakes = await fleet.Wakes.TakeAsync(ct);
        return ScheduledPlan.Select(plan, items, schedule, wakes, now, services.EngineOptions.Cadence?.Cycle ?? Core.Cadence.ReadCadence.Default.Cycle, all, fleet.NewShardsPerCycle);
    }

    /// <summary>The plan's note on new shards left for later plans (empty when none were).</summary>
    internal static string Deferred(int deferred, int perCycle) => deferred == 0 ? ""
        : string.Create(CultureInfo.InvariantCulture, $"; {deferred} new shard(s) deferred: at most {perCycle} new a cycle");

    /// <summary>
    /// Merges the run's results into the schedule: a shard that ran takes its <c>next_due</c>, one that did not keeps
    /// its entry, one no longer planned is dropped. Without the plan's list of planned shards (lost), nothing is dropped
    /// and the shards that ran get no fingerprint, so the next plan runs them.
    /// </summary>
    private async Task RescheduleAsync(string runId, IReadOnlyList<ShardResult> results, CancellationToken ct)
    {
        var fleet = Fleet;
        var (schedule, problem) = FleetScheduleJson.Read(await fleet.Store.GetTextAsync(fleet.Store.Bucket, FleetScheduleJson.Key, ct), ScheduleName(fleet));
        var plannedText = await fleet.Store.GetTextAsync(fleet.Store.Bucket, FleetServices.PlannedKey(runId), ct);
        var (planned, plannedProblem) = FleetScheduleJson.Read(plannedText, $"s3://{fleet.Store.Bucket}/{FleetServices.PlannedKey(runId)}");
        IReadOnlyList<ScheduledShard> entries = plannedText is not null && plannedProblem is null ? [.. planned.Shards.Values]
            : [.. schedule.Shards.Values, .. results.Where(r => !schedule.Shards.ContainsKey(r.ShardId)).Select(r => new ScheduledShard(r.ShardId, null, ""))];
        foreach (var p in new[] { problem, plannedProblem, plannedText is null ? $"s3://{fleet.Store.Bucket}/{FleetServices.PlannedKey(runId)} is missing: no shard is dropped from the schedule" : null }.OfType<string>())
            await AuditAsync(runId, AuditKind.Error, "-", "fleet_schedule", p, null, ct);
        await fleet.Store.PutTextAsync(FleetScheduleJson.Key, FleetScheduleJson.Write(schedule.After(entries, results)), ct);
    }

    private static string ScheduleName(FleetServices fleet) => $"s3://{fleet.Store.Bucket}/{FleetScheduleJson.Key}";

    /// <summary>Each planned account's routed topic, where it has one (the shard steps read it, not the organization).</summary>
    private static Dictionary<string, string> RoutesFor(AlertRoutes routes, Organization organization, FleetPlan plan)
    {
        var planned = plan.Shards.Select(s => s.AccountId).ToHashSet(StringComparer.Ordinal);
        return organization.Accounts.Where(a => planned.Contains(a.Id))
            .Select(a => (a.Id, Topic: routes.TopicFor(a.Id, a.Parents)))
            .Where(x => x.Topic is not null)
            .ToDictionary(x => x.Id, x => x.Topic!, StringComparer.Ordinal);
    }

    private async Task SubscribeContactsAsync(string runId, Organization organization, FleetPlan plan, Dictionary<string, string> routes, CancellationToken ct)
    {
        var fleet = Fleet;
        if (fleet.OperationsContact is null || fleet.SubscribeContacts is null) return;
        var contacts = new List<(string, string, string)>();
        foreach (var account in plan.Shards.Select(s => s.AccountId).Distinct(StringComparer.Ordinal))
        {
            var topic = routes.GetValueOrDefault(account) ?? fleet.AlertTopicArn;
            if (topic is null) continue;
            try
            {
                if (await fleet.OperationsContact(account, ct) is { Length: > 0 } email) contacts.Add((account, topic, email));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await AuditAsync(runId, AuditKind.Error, "-", "fleet_contact", $"account {account}: its operations contact could not be read: {e.Message}", Details(runId, account, null), ct);
            }
        }
        foreach (var line in await fleet.SubscribeContacts(contacts, ct))
            await AuditAsync(runId, AuditKind.StatusChange, "-", "fleet_contact", line, null, ct);
    }

    private static JsonObject ToJson(ShardResult r) => new()
    {
        ["shard_id"] = r.ShardId, ["account_id"] = r.AccountId, ["region"] = r.Region, ["status"] = r.Status,
        ["rules"] = r.Rules, ["actions"] = r.Actions, ["errors"] = r.Errors, ["error"] = r.Error is null ? null : Echo.Of(r.Error),
        ["next_due"] = r.NextDue is { } due ? FleetScheduleJson.Iso(due) : null,
    };

    private static Dictionary<string, string> Details(string runId, string accountId, string? region)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["fleet_run_id"] = runId, ["account_id"] = accountId };
        if (region is not null)
        {
            details["region"] = region;
            details["shard_id"] = FleetShard.IdOf(accountId, region);
        }
        return details;
    }

    private async Task AuditAsync(string runId, AuditKind kind, string ruleId, string action, string message, IReadOnlyDictionary<string, string>? details, CancellationToken ct) =>
        await services.Ports.Audit.AppendAsync(new AuditRecord($"{runId}/{action}/{services.EngineOptions.NewRunNonce()}-{Interlocked.Increment(ref _records):D5}", runId, services.Time.GetUtcNow(), kind, ruleId, null, action,
            Echo.Of(message), Details: details), ct);
}
