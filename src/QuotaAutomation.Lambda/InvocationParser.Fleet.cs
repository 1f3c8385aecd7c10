using System.Text.Json;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Lambda;

/// <summary>The fleet state machine's plan step (terraform/fleet.asl.json): expand rules × accounts × Regions into shards, and write the due ones.</summary>
/// <param name="All">Every planned shard, due or not (<c>"all": true</c>).</param>
public sealed record FleetPlanStep(string EventId, string? FleetRunId, bool All = false) : Invocation(EventId)
{
    public override string Kind => "fleet_plan";
}

/// <summary>One Distributed Map batch: the shards to cycle, and the items that could not be read (each answered failed).</summary>
public sealed record FleetShardBatch(string EventId, string FleetRunId, IReadOnlyList<FleetShard> Shards, IReadOnlyList<BadShardItem> BadItems) : Invocation(EventId)
{
    public override string Kind => "fleet_shard";
}

/// <summary>An item of a batch that is not a shard: answered with a failed result naming the field, never run.</summary>
public sealed record BadShardItem(string ShardId, string AccountId, string Region, string Error);

/// <summary>The summary step: the Map's output (its <c>ResultWriterDetails</c>, or the results inline).</summary>
public sealed record FleetSummaryStep(string EventId, string FleetRunId, JsonElement Map) : Invocation(EventId)
{
    public override string Kind => "fleet_summary";
}

/// <summary>The fleet payloads (HELPERS.md's contract): <c>{"fleet":"plan"|"shard"|"summary", …}</c>.</summary>
public static partial class InvocationParser
{
    public static readonly IReadOnlyList<string> FleetSteps = ["plan", "shard", "summary"];

    private static Result<Invocation> ParseFleet(JsonElement root)
    {
        var step = root.GetProperty("fleet");
        var runId = Str(root, "fleet_run_id");
        if (step.ValueKind != JsonValueKind.String || JsonStrings.Read(step) is not { } name || !FleetSteps.Contains(name))
            return Result.Fail<Invocation>($"fleet step{(runId is null ? "" : $" of run '{runId}'")}: fleet must be one of {string.Join(", ", FleetSteps)}");
        var label = $"fleet {name}{(runId is null ? "" : $" '{runId}'")}";
        if (root.TryGetProperty("fleet_run_id", out var given) && given.ValueKind != JsonValueKind.Null && (runId is null || !IsRunId(runId)))
            return Result.Fail<Invocation>($"{label}: fleet_run_id must be letters, digits, '.', ':', '_' or '-', at most 80");
        return name switch
        {
            "plan" => !root.TryGetProperty("all", out var all) || all.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null
                ? Result.Ok<Invocation>(new FleetPlanStep(runId ?? "fleet-plan", runId, all.ValueKind == JsonValueKind.True))
                : Result.Fail<Invocation>($"{label}: all must be true or false"),
            "shard" => ParseShardBatch(root, label),
            _ => runId is null ? Result.Fail<Invocation>($"{label}: fleet_run_id is missing")
                : !root.TryGetProperty("map", out var map) || map.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)
                ? Result.Fail<Invocation>($"{label}: map is missing or not the Map state's output (an object with ResultWriterDetails, or the results)")
                : Result.Ok<Invocation>(new FleetSummaryStep(runId, runId, map.Clone())),
        };
    }

    private static Result<Invocation> ParseShardBatch(JsonElement root, string label)
    {
        var batchInput = root.TryGetProperty("BatchInput", out var b) && b.ValueKind == JsonValueKind.Object ? b : default;
        var runId = batchInput.ValueKind == JsonValueKind.Object ? Str(batchInput, "fleet_run_id") : null;
        if (runId is null || !IsRunId(runId))
            return Result.Fail<Invocation>($"{label}: BatchInput.fleet_run_id is missing or not a run id");
        label = $"fleet shard batch of run '{runId}'";
        if (!root.TryGetProperty("Items", out var items) || items.ValueKind != JsonValueKind.Array)
            return Result.Fail<Invocation>($"{label}: Items is missing or not a list");
        if (items.GetArrayLength() == 0) return Result.Fail<Invocation>($"{label}: Items is empty");
        var shards = new List<FleetShard>();
        var bad = new List<BadShardItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var name = $"Items[{i++}]";
            var read = FleetShardJson.Read(item, name);
            string? problem = !read.Success ? read.Error
                : read.Value.FleetRunId != runId ? $"{name}: fleet_run_id '{Echo.Of(read.Value.FleetRunId)}' is not the batch's '{runId}'"
                : !seen.Add(read.Value.ShardId) ? $"{name}: shard {read.Value.ShardId} appears twice in the batch"
                : null;
            if (problem is null) shards.Add(read.Value);
            else
            {
                var account = Str(item, "account_id") ?? "unknown";
                var region = Str(item, "region") ?? "unknown";
                bad.Add(new BadShardItem(Echo.Of(Str(item, "shard_id") ?? $"{account}/{region}"), Echo.Of(account), Echo.Of(region), $"{label}: {problem}"));
            }
        }
        return Result.Ok<Invocation>(new FleetShardBatch(runId, runId, shards, bad));
    }

    private static bool IsRunId(string text) => text.Length <= 80 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '_' or '-');
}
