using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Lambda;

/// <summary>The seed design's event contract (<see cref="SeedSource"/>), read into the same <see cref="QuotaEvent"/> as ours.</summary>
public static partial class InvocationParser
{
    /// <summary>The seed's <c>detail.event_type</c> values and the event types they are.</summary>
    public static readonly IReadOnlyDictionary<string, string> SeedEventTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["quota_threshold_exceeded"] = "quota_threshold_exceeded",
        ["quota_usage_spike"] = "quota_usage_spike",
        ["quota_prediction_alert"] = "quota_prediction_alert",
        ["infrastructure_scaling"] = "infrastructure_scaling",
        ["disaster_recovery_triggered"] = "disaster_recovery",
        ["cost_optimization_required"] = "cost_optimization_required",
    };

    /// <summary>Where each field of our detail is in the seed's, so a problem names the field the producer wrote.</summary>
    private static readonly IReadOnlyDictionary<string, string> SeedFieldNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["quota.service_code"] = "service_code", ["quota.quota_code"] = "quota_code", ["quota.region"] = "region",
        ["utilization"] = "utilization_percentage",
        ["predicted_utilization"] = "metadata.prediction.predicted_utilization_7d", ["confidence"] = "metadata.prediction.confidence",
        ["service"] = "service_code", ["direction"] = "metadata.scaling.direction", ["scaling_factor"] = "metadata.scaling.factor",
        ["action"] = "metadata.disaster_recovery.type", ["source_region"] = "region", ["target_region"] = "metadata.disaster_recovery.target_region",
    };

    /// <summary>
    /// The seed's event (one flat detail: <c>event_type</c>, the quota, <c>current_usage</c>, <c>quota_value</c>,
    /// <c>utilization_percentage</c>, <c>timestamp</c>, <c>metadata</c>) rewritten into our detail and checked by the same
    /// rules. Its defaults are the seed's: a scaling event without <c>metadata.scaling</c> scales up by 1.0, a disaster
    /// recovery event without a type is a failover. <c>account_id</c> names a member account only when it is not the
    /// account that sent the event.
    /// </summary>
    private static Result<Invocation> ParseSeedEvent(string name, string id, DateTimeOffset time, string? sender, JsonElement detail)
    {
        var eventType = Str(detail, "event_type");
        if (eventType is null) return Result.Fail<Invocation>($"{name}: detail.event_type is missing");
        if (!SeedEventTypes.TryGetValue(eventType, out var type))
            return Result.Fail<Invocation>($"{name}: detail.event_type '{Echo.Of(eventType)}' must be one of {string.Join(", ", SeedEventTypes.Keys)}");
        var problems = new List<string>();
        foreach (var field in new[] { "current_usage", "quota_value", "utilization_percentage" })
            if (!detail.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.Number) problems.Add($"detail.{field} is missing or not a number");
        if (problems.Count > 0) return Result.Fail<Invocation>($"{name}: {string.Join("; ", problems)}");

        // Built as JSON text from the members' raw text: raw text is valid JSON whatever it holds (a lone surrogate escape
        // included), where a JsonNode copy would fail to serialise it.
        string? Raw(JsonElement parent, string field) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(field, out var v) ? v.GetRawText() : null;
        JsonElement Member(JsonElement parent, string field) =>
            parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(field, out var v) ? v : default;
        static string Object(IEnumerable<(string Name, string? Raw)> members) =>
            "{" + string.Join(",", members.Where(m => m.Raw is not null).Select(m => $"\"{m.Name}\":{m.Raw}")) + "}";
        var metadata = Member(detail, "metadata");
        var account = Str(detail, "account_id");
        var members = new List<(string Name, string? Raw)>
        {
            ("quota", Object([("service_code", Raw(detail, "service_code")), ("quota_code", Raw(detail, "quota_code")), ("region", Raw(detail, "region")),
                ("account_id", account is not null && account != sender ? Raw(detail, "account_id") : null)])),
            ("utilization", Raw(detail, "utilization_percentage")),
            ("current_usage", Raw(detail, "current_usage")),
            ("quota_value", Raw(detail, "quota_value")),
            ("metadata", Raw(detail, "metadata")),
        };
        switch (type)
        {
            case "quota_prediction_alert":
                members.Add(("predicted_utilization", Raw(Member(metadata, "prediction"), "predicted_utilization_7d")));
                members.Add(("confidence", Raw(Member(metadata, "prediction"), "confidence")));
                break;
            case "infrastructure_scaling":
                members.Add(("service", Raw(detail, "service_code")));
                members.Add(("region", Raw(detail, "region")));
                members.Add(("direction", Raw(Member(metadata, "scaling"), "direction") ?? "\"up\""));
                members.Add(("scaling_factor", Raw(Member(metadata, "scaling"), "factor") ?? "1.0"));
                break;
            case "disaster_recovery":
                members.Add(("action", Raw(Member(metadata, "disaster_recovery"), "type") ?? "\"failover\""));
                members.Add(("source_region", Raw(detail, "region")));
                members.Add(("target_region", Raw(Member(metadata, "disaster_recovery"), "target_region")));
                break;
        }
        using var ours = JsonDocument.Parse(Object(members));
        return ParseQuotaEvent(name, id, type, SeedSource, time, ours.RootElement.Clone(), SeedFieldNames);
    }
}
