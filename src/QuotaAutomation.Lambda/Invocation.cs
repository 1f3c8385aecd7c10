using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Lambda;

/// <summary>What called the function, recognised from its payload.</summary>
public abstract record Invocation(string EventId)
{
    /// <summary>Short name for logs, metrics and the audit.</summary>
    public abstract string Kind { get; }
}

/// <summary>The EventBridge schedule (<c>rate(5 minutes)</c>): run a cycle.</summary>
public sealed record ScheduledCycle(string EventId, DateTimeOffset Time) : Invocation(EventId)
{
    public override string Kind => "scheduled_cycle";
}

/// <summary>A task of the approval state machine (terraform/approval.asl.json).</summary>
public sealed record ApprovalTask(string EventId, string Task, string ApprovalId, string? DecidedBy, string? Comment) : Invocation(EventId)
{
    public static readonly IReadOnlySet<string> Tasks = new HashSet<string>(StringComparer.Ordinal) { "evaluate", "ask", "approved", "denied", "timed_out" };

    /// <summary>The workflow's task token (<c>ask</c> only): kept in the state table, never put in a message.</summary>
    public string? TaskToken { get; init; }

    public override string Kind => $"approval_{Task}";
}

/// <summary>A quota event on the bus, ours (<c>source: quota-automation</c>) or AWS Health's threshold breach.</summary>
public sealed record QuotaEvent(string EventId, string EventType, string Source, DateTimeOffset Time, QuotaKey? Quota, JsonElement Detail) : Invocation(EventId)
{
    public override string Kind => EventType;

    /// <summary>The envelope's <c>account</c>: the account the event came from (EventBridge keeps it when an event is forwarded to another account's bus).</summary>
    public string? Account { get; init; }

    /// <summary>The envelope's <c>region</c>.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// The envelope's <c>resources</c>, as given (non-strings as null): an AWS Health threshold notification names its
    /// quota there (<c>Service: ec2 | Quota Name: … | Utilization: 80.0%</c>). Read only to wake a fleet shard.
    /// </summary>
    public IReadOnlyList<string?> Resources { get; init; } = [];
}

/// <summary>A Service Quotas API call seen by CloudTrail (someone filed, followed or escalated a request).</summary>
public sealed record ServiceQuotasApiCall(string EventId, string EventName, DateTimeOffset Time, string? RequestId, string? Status, QuotaKey? Quota, string? Caller) : Invocation(EventId)
{
    public override string Kind => "servicequotas_api_call";
}

/// <summary>
/// Recognises the caller. Anything that is not one of the known shapes is rejected with one message naming the event
/// (its id or detail-type when it has them) and the field that is wrong.
/// </summary>
public static partial class InvocationParser
{
    /// <summary>Our own quota event types (detail-type) and their short names.</summary>
    public static readonly IReadOnlyDictionary<string, string> EventTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Quota Threshold Exceeded"] = "quota_threshold_exceeded",
        ["Quota Usage Spike"] = "quota_usage_spike",
        ["Quota Prediction Alert"] = "quota_prediction_alert",
        ["Infrastructure Scaling"] = "infrastructure_scaling",
        ["Disaster Recovery"] = "disaster_recovery",
        ["Cost Optimization Required"] = "cost_optimization_required",
    };

    public const string OwnSource = "quota-automation";

    /// <summary>
    /// The source of the seed design's producers (<c>detail.event_type</c>, a flat quota and usage, <c>metadata</c>):
    /// accepted beside <see cref="OwnSource"/> and mapped to the same <see cref="QuotaEvent"/>.
    /// </summary>
    public const string SeedSource = "quota.automation";

    /// <summary>The numbers an event may carry and the range each must be in (bounds inclusive unless said).</summary>
    private static readonly IReadOnlyDictionary<string, (double Min, double Max, bool MinExclusive)> NumberBounds = new Dictionary<string, (double, double, bool)>(StringComparer.Ordinal)
    {
        ["utilization"] = (0, 1e6, false),            // percent; above 100 when usage is over the quota
        ["current_usage"] = (0, 1e15, false),
        ["quota_value"] = (0, 1e15, false),
        ["predicted_utilization"] = (0, 1e6, false),
        ["confidence"] = (0, 1, false),
        ["hours_to_breach"] = (0, 1e6, false),
        ["scaling_factor"] = (0, 100, true),
        ["max_utilization_percent"] = (0, 100, true),
    };

    public static Result<Invocation> Parse(string payload)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(payload);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Result.Fail<Invocation>($"event (unnamed): the payload is not JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object) return Result.Fail<Invocation>($"event (unnamed): the payload is a JSON {root.ValueKind}, not an object");

        if (root.TryGetProperty("fleet", out _)) return ParseFleet(root);
        if (root.TryGetProperty("Records", out var records)) return ParseStream(records);
        if (root.TryGetProperty("report", out _)) return ParseReport(root);
        if (Str(root, "task") is { } task) return ParseTask(root, task);
        if (IsFunctionUrl(root))
            return HttpProblem(root) is { } problem
                ? Result.Fail<Invocation>($"function URL request '{Str(root.GetProperty("requestContext"), "requestId") ?? "?"}': {problem}")
                : Result.Ok<Invocation>(HttpRequest.TryParse(root)! with { Caller = IamCaller.From(root) }); // a Function URL payload, checked above

        var id = Str(root, "id");
        var detailType = Str(root, "detail-type");
        var source = Str(root, "source");
        var name = id is not null ? $"event '{id}'" + (detailType is not null ? $" ({detailType})" : "") : detailType is not null ? $"event ({detailType})" : "event (unnamed)";
        if (detailType is null || source is null)
            return Result.Fail<Invocation>($"{name}: not an EventBridge event or a state machine task: {(source is null ? "source" : "detail-type")} is missing");
        if (id is null) return Result.Fail<Invocation>($"{name}: id is missing");
        if (!TryTime(root, "time", out var time)) return Result.Fail<Invocation>($"{name}: time is missing or not an ISO 8601 time");
        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
            return Result.Fail<Invocation>($"{name}: detail is missing or not an object");

        var invocation = (source, detailType) switch
        {
            ("aws.events", "Scheduled Event") => Result.Ok<Invocation>(new ScheduledCycle(id, time)),
            (OwnSource, _) when EventTypes.TryGetValue(detailType, out var type) => ParseQuotaEvent(name, id, type, source, time, detail),
            (OwnSource, _) => Result.Fail<Invocation>($"{name}: detail-type '{detailType}' is not a quota event type ({string.Join(", ", EventTypes.Keys)})"),
            (SeedSource, _) => ParseSeedEvent(name, id, time, Str(root, "account"), detail),
            ("aws.health", "AWS Health Event") when Str(detail, "eventTypeCode") == "AWS_SERVICEQUOTAS_THRESHOLD_BREACH" =>
                Result.Ok<Invocation>(new QuotaEvent(id, "quota_threshold_exceeded", source, time, null, detail)),
            ("aws.health", _) => Result.Fail<Invocation>($"{name}: detail.eventTypeCode '{Str(detail, "eventTypeCode")}' is not AWS_SERVICEQUOTAS_THRESHOLD_BREACH"),
            ("aws.servicequotas", "AWS API Call via CloudTrail") => ParseApiCall(name, id, time, root, detail),
            ("aws.dynamodb", "AWS API Call via CloudTrail") => ParseTableWrite(name, id, time, detail),
            _ => Result.Fail<Invocation>($"{name}: source '{source}' with detail-type '{detailType}' is not a caller this function serves"),
        };
        return invocation.Success && invocation.Value is QuotaEvent quotaEvent
            ? Result.Ok<Invocation>(quotaEvent with { Account = Str(root, "account"), Region = Str(root, "region"), Resources = Resources(root) })
            : invocation;
    }

    private static List<string?> Resources(JsonElement root) =>
        root.TryGetProperty("resources", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(JsonStrings.Read).ToList() : [];

    private static Result<Invocation> ParseTask(JsonElement root, string task)
    {
        var approvalId = Str(root, "approval_id");
        var name = $"approval task '{task}'" + (approvalId is not null ? $" for {approvalId}" : "");
        if (!ApprovalTask.Tasks.Contains(task)) return Result.Fail<Invocation>($"{name}: task must be one of {string.Join(", ", ApprovalTask.Tasks)}");
        if (approvalId is null) return Result.Fail<Invocation>($"{name}: approval_id is missing");
        var taskToken = Str(root, "task_token");
        if (task == "ask" && taskToken is null) return Result.Fail<Invocation>($"{name}: task_token is missing");
        var decision = root.TryGetProperty("decision", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        return Result.Ok<Invocation>(new ApprovalTask(Str(root, "execution") ?? approvalId, task, approvalId,
            decision.ValueKind == JsonValueKind.Object ? Str(decision, "decided_by") : null,
            decision.ValueKind == JsonValueKind.Object ? Str(decision, "comment") ?? Str(decision, "cause") : null) { TaskToken = taskToken });
    }

    private static Result<Invocation> ParseQuotaEvent(string name, string id, string type, string source, DateTimeOffset time, JsonElement detail,
        IReadOnlyDictionary<string, string>? fieldNames = null)
    {
        string Field(string field) => fieldNames?.GetValueOrDefault(field) ?? field;
        var problems = new List<string>();
        QuotaKey? quota = null;
        if (detail.TryGetProperty("quota", out var q))
        {
            var service = q.ValueKind == JsonValueKind.Object ? Str(q, "service_code") : null;
            var code = q.ValueKind == JsonValueKind.Object ? Str(q, "quota_code") : null;
            var region = q.ValueKind == JsonValueKind.Object ? Str(q, "region") : null;
            if (service is null) problems.Add($"detail.{Field("quota.service_code")} is missing");
            if (code is null) problems.Add($"detail.{Field("quota.quota_code")} is missing");
            if (region is null) problems.Add($"detail.{Field("quota.region")} is missing");
            if (problems.Count == 0) quota = new QuotaKey(service!, code!, region!, Str(q, "account_id")); // all three checked above
        }
        else if (type is not ("infrastructure_scaling" or "disaster_recovery" or "cost_optimization_required"))
        {
            problems.Add("detail.quota is missing");
        }
        foreach (var field in RequiredNumbers(type))
            if (!detail.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.Number) problems.Add($"detail.{Field(field)} is missing or not a number");
        foreach (var (field, bounds) in NumberBounds)
            if (detail.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && !InBounds(v, bounds))
                problems.Add($"detail.{Field(field)} {Echo.Of(v.GetRawText())} must be {(bounds.MinExclusive ? ">" : "≥")} {Show(bounds.Min)} and ≤ {Show(bounds.Max)}");
        foreach (var (field, allowed) in RequiredStrings(type))
        {
            var value = Str(detail, field);
            if (value is null) problems.Add($"detail.{Field(field)} is missing");
            else if (allowed.Length > 0 && !allowed.Contains(value)) problems.Add($"detail.{Field(field)} '{Echo.Of(value)}' must be one of {string.Join(", ", allowed)}");
        }
        return problems.Count > 0
            ? Result.Fail<Invocation>($"{name}: {string.Join("; ", problems)}")
            : Result.Ok<Invocation>(new QuotaEvent(id, type, source, time, quota, detail));
    }

    private static IEnumerable<string> RequiredNumbers(string type) => type switch
    {
        "quota_threshold_exceeded" => ["utilization"],
        "quota_usage_spike" => ["current_usage"],
        "quota_prediction_alert" => ["predicted_utilization", "confidence"],
        "infrastructure_scaling" => ["scaling_factor"],
        _ => [],
    };

    private static IEnumerable<(string Field, string[] Allowed)> RequiredStrings(string type) => type switch
    {
        "infrastructure_scaling" => [("service", []), ("region", []), ("direction", ["up", "down"])],
        "disaster_recovery" => [("action", ["failover", "failback"]), ("source_region", []), ("target_region", [])],
        _ => [],
    };

    private static Result<Invocation> ParseApiCall(string name, string id, DateTimeOffset time, JsonElement root, JsonElement detail)
    {
        var eventName = Str(detail, "eventName");
        if (eventName is null) return Result.Fail<Invocation>($"{name}: detail.eventName is missing");
        var parameters = detail.TryGetProperty("requestParameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var response = detail.TryGetProperty("responseElements", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
        var requested = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("requestedQuota", out var rq) && rq.ValueKind == JsonValueKind.Object ? rq : default;
        string? From(JsonElement e, string field) => e.ValueKind == JsonValueKind.Object ? Str(e, field) : null;
        var service = From(parameters, "serviceCode") ?? From(requested, "serviceCode");
        var code = From(parameters, "quotaCode") ?? From(requested, "quotaCode");
        var region = Str(root, "region") ?? Str(detail, "awsRegion");
        var caller = detail.TryGetProperty("userIdentity", out var who) && who.ValueKind == JsonValueKind.Object ? Str(who, "arn") : null;
        return Result.Ok<Invocation>(new ServiceQuotasApiCall(id, eventName, time, From(requested, "id") ?? From(parameters, "requestId"), From(requested, "status"),
            service is not null && code is not null && region is not null ? new QuotaKey(service, code, region) : null, caller));
    }

    /// <summary>A non-empty string member, whatever <paramref name="e"/> is (any other JSON gives null, never an exception).</summary>
    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && JsonStrings.Read(v) is { Length: > 0 } s ? s : null;

    private static bool InBounds(JsonElement number, (double Min, double Max, bool MinExclusive) bounds) =>
        number.TryGetDouble(out var d) && double.IsFinite(d) && d <= bounds.Max && (bounds.MinExclusive ? d > bounds.Min : d >= bounds.Min);

    private static string Show(double d) => d >= 1e6 ? d.ToString("0e0", CultureInfo.InvariantCulture) : d.ToString(CultureInfo.InvariantCulture);

    private static bool IsFunctionUrl(JsonElement root) =>
        root.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object
        && context.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object;

    /// <summary>
    /// What makes a Function URL payload unreadable, or null: every member <see cref="HttpRequest.TryParse"/> reads is
    /// checked here for its type, valid text, a base64 body that is base64, and query keys given once.
    /// </summary>
    private static string? HttpProblem(JsonElement root)
    {
        var context = root.GetProperty("requestContext");
        string? Text(JsonElement parent, string field, string path) =>
            !parent.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null ? null
            : v.ValueKind != JsonValueKind.String ? $"{path} is a JSON {v.ValueKind}, not a string"
            : !IsText(v) ? $"{path} is not valid text (it holds a lone surrogate)"
            : null;
        var problem = Text(context.GetProperty("http"), "method", "requestContext.http.method")
            ?? Text(context, "requestId", "requestContext.requestId")
            ?? Text(root, "rawPath", "rawPath")
            ?? Text(root, "body", "body");
        if (problem is not null) return problem;
        if (root.TryGetProperty("queryStringParameters", out var query) && query.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return $"queryStringParameters is a JSON {query.ValueKind}, not an object";
        if (query.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var parameter in query.EnumerateObject())
            {
                var key = JsonStrings.Name(parameter);
                if (!seen.Add(key)) return $"queryStringParameters.{Echo.Of(key)} appears twice";
                if (!IsTextName(parameter)) return $"queryStringParameters.{Echo.Of(key)} is not valid text (it holds a lone surrogate)";
                var value = parameter.Value;
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) return $"queryStringParameters.{Echo.Of(key)} is a JSON {value.ValueKind}, not a string";
                if (value.ValueKind == JsonValueKind.String && !IsText(value)) return $"queryStringParameters.{Echo.Of(key)} is not valid text (it holds a lone surrogate)";
            }
        }
        if (root.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            return $"isBase64Encoded is a JSON {encoded.ValueKind}, not true or false";
        if (encoded.ValueKind == JsonValueKind.True && root.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String
            && !Convert.TryFromBase64String(body.GetString()!, new byte[body.GetString()!.Length], out _)) // a string, valid text: checked above
            return "body is marked isBase64Encoded but is not base64";
        return null;
    }

    private static bool IsText(JsonElement s)
    {
        try
        {
            _ = s.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsTextName(JsonProperty p)
    {
        try
        {
            _ = p.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryTime(JsonElement e, string name, out DateTimeOffset time)
    {
        time = default;
        return Str(e, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}
