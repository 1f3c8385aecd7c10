using System.Text.Json;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Lambda;

/// <summary>
/// Reads a Distributed Map's results as its <c>ResultWriter</c> exports them (AWS Step Functions docs, "ResultWriter
/// (Map)"): the Map's output names <c>ResultWriterDetails.Bucket</c>/<c>Key</c> of a <c>manifest.json</c>, whose
/// <c>ResultFiles.SUCCEEDED</c>, <c>FAILED</c> and <c>PENDING</c> list result files (<c>{"Key","Size"}</c>); each file is
/// a JSON array (or JSON lines) of child executions with <c>Status</c>, <c>Input</c> and <c>Output</c> as JSON text, and
/// <c>Error</c>/<c>Cause</c> for a failed one. A succeeded child's output is the shard step's reply (or the Lambda
/// invoke result wrapping it in <c>Payload</c>); a failed child's shards are read from its input's <c>Items</c>. Without
/// a ResultWriter, the Map's output is the list of replies itself, and that is read too. Total: whatever cannot be
/// read is returned as a problem, never thrown.
/// </summary>
internal static class MapResults
{
    public static async Task<(List<ShardResult> Results, List<string> Problems)> ReadAsync(JsonElement map, IShardStore store, CancellationToken ct)
    {
        var results = new List<ShardResult>();
        var problems = new List<string>();
        if (map.ValueKind == JsonValueKind.Array)
        {
            foreach (var reply in map.EnumerateArray()) ReadReply(reply, "map[]", results, problems);
            return (results, problems);
        }
        if (!map.TryGetProperty("ResultWriterDetails", out var details) || Str(details, "Bucket") is not { } bucket || Str(details, "Key") is not { } key)
        {
            if (map.TryGetProperty("results", out _)) ReadReply(map, "map", results, problems);
            else problems.Add("map has no ResultWriterDetails.Bucket and Key, and no results");
            return (results, problems);
        }
        var manifestText = await store.GetTextAsync(bucket, key, ct);
        if (Parse(manifestText) is not { } manifest || manifest.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"manifest s3://{bucket}/{key} is {(manifestText is null ? "missing" : "not a JSON object")}");
            return (results, problems);
        }
        var destination = Str(manifest, "DestinationBucket") ?? bucket;
        var files = manifest.TryGetProperty("ResultFiles", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        foreach (var status in new[] { "SUCCEEDED", "FAILED", "PENDING" })
        {
            if (files.ValueKind != JsonValueKind.Object || !files.TryGetProperty(status, out var list) || list.ValueKind != JsonValueKind.Array) continue;
            foreach (var file in list.EnumerateArray())
            {
                if (Str(file, "Key") is not { } fileKey)
                {
                    problems.Add($"manifest s3://{bucket}/{key}: a {status} file has no Key");
                    continue;
                }
                var text = await store.GetTextAsync(destination, fileKey, ct);
                if (text is null)
                {
                    problems.Add($"result file s3://{destination}/{fileKey} is missing");
                    continue;
                }
                foreach (var execution in Executions(text, $"s3://{destination}/{fileKey}", problems)) ReadExecution(execution, $"s3://{destination}/{fileKey}", results, problems);
            }
        }
        return (results, problems);
    }

    /// <summary>A result file: a JSON array (OutputType JSON, the default) or JSON lines (JSONL).</summary>
    private static List<JsonElement> Executions(string text, string name, List<string> problems)
    {
        if (Parse(text) is { ValueKind: JsonValueKind.Array } array) return array.EnumerateArray().ToList();
        var lines = new List<JsonElement>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (Parse(line) is { ValueKind: JsonValueKind.Object } execution) lines.Add(execution);
            else problems.Add($"{name}: a line is not a JSON object");
        return lines;
    }

    private static void ReadExecution(JsonElement execution, string name, List<ShardResult> results, List<string> problems)
    {
        var status = Str(execution, "Status");
        var input = Parse(Str(execution, "Input"));
        if (status == "SUCCEEDED" && Parse(Str(execution, "Output")) is { } output)
        {
            ReadReply(output, name, results, problems);
            return;
        }
        // Failed, timed out, aborted, or a success without output: every shard of the batch failed, with why.
        var why = $"batch {status?.ToLowerInvariant() ?? "ended"}{(Str(execution, "Error") is { } error ? $": {error}" : "")}{(Str(execution, "Cause") is { } cause ? $" ({cause})" : "")}";
        var items = input is { ValueKind: JsonValueKind.Object } i && i.TryGetProperty("Items", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToList() : [];
        if (items.Count == 0) problems.Add($"{name}: a child execution {why}, and its input names no shards");
        foreach (var item in items)
        {
            var account = Str(item, "account_id") ?? "unknown";
            var region = Str(item, "region") ?? "unknown";
            results.Add(new ShardResult(Str(item, "shard_id") ?? $"{account}/{region}", account, region, ShardResult.Failed, 0, 0, 1, Echo.Of(why)));
        }
    }

    /// <summary>The shard step's reply, <c>{"results":[…]}</c>, or a Lambda invoke result wrapping it in <c>Payload</c>.</summary>
    private static void ReadReply(JsonElement reply, string name, List<ShardResult> results, List<string> problems)
    {
        if (reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty("Payload", out var payload)) reply = payload;
        if (reply.ValueKind != JsonValueKind.Object || !reply.TryGetProperty("results", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{name}: a reply has no results list");
            return;
        }
        foreach (var r in list.EnumerateArray())
        {
            if (Str(r, "shard_id") is not { } shard || Str(r, "account_id") is not { } account || Str(r, "region") is not { } region
                || Str(r, "status") is not ({ } status and (ShardResult.Ok or ShardResult.Partial or ShardResult.Failed)))
            {
                problems.Add($"{name}: a result lacks shard_id, account_id, region or a status of ok, partial or failed");
                continue;
            }
            // next_due (ISO 8601): when the shard next needs a cycle; absent, null or unreadable: the next cycle (never later than asked).
            results.Add(new ShardResult(shard, account, region, status, Int(r, "rules"), Int(r, "actions"), Int(r, "errors"), Str(r, "error"),
                NextDue: status == ShardResult.Ok ? FleetScheduleJson.ParseIso(Str(r, "next_due")) : null));
        }
    }

    private static JsonElement? Parse(string? text)
    {
        if (text is null) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && JsonStrings.Read(v) is { Length: > 0 } s ? s : null;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0 ? n : 0;
}
