using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Cli.StandIn;

/// <summary>
/// A stand-in for what moto_server lacks, so the aws backend can be tried beside it: AWS Service Quotas (moto serves
/// only GetServiceQuota and ListAWSDefaultServiceQuotas, for vpc) with the operations the aws backend calls, over the
/// real JSON 1.1 wire API (<c>X-Amz-Target: ServiceQuotasV20190624.*</c>, members and errors as in botocore's
/// service-quotas 2019-06-24 model), and the quotas' usage as CloudWatch <c>GetMetricData</c> reports it (JSON 1.0):
/// moto has no AWS/Usage data, and its GetMetricData scans every data point for every period, so the first cycle's
/// 14-day read of seven metrics took over a minute there. Both are answered from the simulated account in real time.
/// For emulators only: it listens on loopback, checks no signature and serves one account in one Region.
/// </summary>
public sealed partial class ServiceQuotasStandIn(SimulatedAccount account, string region)
{
    public const string TargetPrefix = "ServiceQuotasV20190624.";

    public const string CloudWatchPrefix = "GraniteServiceVersion20100801.";

    private const string Validation = "ValidationException";

    private const string AccountId = "123456789012"; // moto's account: ARNs match what moto's STS says the caller is

    /// <summary>
    /// The usage metric a quota is served with: the simulated quota's own, or, for one that has none (on AWS, Trusted
    /// Advisor reports those, and moto has no Trusted Advisor results), <c>AWS/Usage ResourceCount</c> with the quota
    /// code as its resource, which this stand-in's GetMetricData answers.
    /// </summary>
    public static UsageMetric MetricOf(QuotaInfo quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return quota.UsageMetric ?? new UsageMetric("AWS/Usage", "ResourceCount", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Service"] = quota.Key.ServiceCode,
            ["Type"] = "Resource",
            ["Resource"] = quota.Key.QuotaCode,
            ["Class"] = "None",
        }, "Maximum");
    }

    /// <summary>Serves on <c>http://127.0.0.1:PORT/</c> until cancelled; <paramref name="log"/> gets one line per call.</summary>
    public async Task ServeAsync(int port, Action<string> log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var listener = new HttpListener();
        listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        listener.Start();
        using var stop = ct.Register(listener.Stop);
        while (!ct.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException && ct.IsCancellationRequested)
            {
                break;
            }
            _ = Task.Run(() => AnswerAsync(context, log, ct), CancellationToken.None);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, Action<string> log, CancellationToken ct)
    {
        var response = context.Response;
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(ct);
            var target = context.Request.Headers["X-Amz-Target"] ?? "";
            var (status, reply) = await HandleAsync(target, body, RegionOf(context.Request.Headers["Authorization"]), ct);
            log(string.Create(CultureInfo.InvariantCulture, $"{target[(target.LastIndexOf('.') + 1)..]} {(int)status}"));
            var bytes = Encoding.UTF8.GetBytes(reply);
            response.StatusCode = (int)status;
            response.ContentType = target.StartsWith(CloudWatchPrefix, StringComparison.Ordinal) ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
            response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, ct);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The caller went away or the server is stopping: nothing to answer.
        }
        finally
        {
            response.Close();
        }
    }

    /// <summary>The Region of a SigV4 <c>Authorization</c> header's credential scope (…/DATE/REGION/servicequotas/aws4_request).</summary>
    public static string? RegionOf(string? authorization)
    {
        var scope = authorization?.Split("Credential=", 2) is [_, var rest] ? rest.Split(',', 2)[0].Split('/') : null;
        return scope is { Length: 5 } ? scope[2] : null;
    }

    /// <summary>One call: the <c>X-Amz-Target</c>, the JSON body and the caller's Region; the status and JSON reply.</summary>
    public async Task<(HttpStatusCode Status, string Body)> HandleAsync(string target, string body, string? callerRegion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        JsonElement input;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            input = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Error("SerializationException", $"the request body is not JSON: {e.Message}");
        }
        if (input.ValueKind != JsonValueKind.Object) return Error("SerializationException", "the request body must be a JSON object");
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : null;
        var here = callerRegion ?? region;
        try
        {
            return operation switch
            {
                null when target == CloudWatchPrefix + "GetMetricData" => Ok(await MetricDataAsync(here, input, ct)),
                "ListServiceQuotas" => Ok(new JsonObject { ["Quotas"] = await QuotasAsync(here, Required(input, "ServiceCode"), Optional(input, "QuotaCode"), defaults: false, ct) }),
                "ListAWSDefaultServiceQuotas" => Ok(new JsonObject { ["Quotas"] = await QuotasAsync(here, Required(input, "ServiceCode"), null, defaults: true, ct) }),
                "GetServiceQuota" => Ok(new JsonObject { ["Quota"] = await OneAsync(here, input, defaults: false, ct) }),
                "GetAWSDefaultServiceQuota" => Ok(new JsonObject { ["Quota"] = await OneAsync(here, input, defaults: true, ct) }),
                "RequestServiceQuotaIncrease" => Ok(new JsonObject { ["RequestedQuota"] = await RequestAsync(here, input, ct) }),
                "GetRequestedServiceQuotaChange" => Ok(new JsonObject { ["RequestedQuota"] = Change(await FindRequestAsync(Required(input, "RequestId"), ct), await NamesAsync(ct)) }),
                "ListRequestedServiceQuotaChangeHistoryByQuota" => Ok(new JsonObject { ["RequestedQuotas"] = await HistoryAsync(Required(input, "ServiceCode"), Required(input, "QuotaCode"), Optional(input, "Status"), ct) }),
                "ListRequestedServiceQuotaChangeHistory" => Ok(new JsonObject { ["RequestedQuotas"] = await HistoryAsync(Optional(input, "ServiceCode"), null, Optional(input, "Status"), ct) }),
                "CreateSupportCase" => await SupportCaseAsync(Required(input, "RequestId"), ct),
                "StartQuotaUtilizationReport" => Ok(StartReport()),
                "GetQuotaUtilizationReport" => Ok(await ReportPageAsync(here, input, ct)),
                _ => Error("UnknownOperationException", $"the stand-in does not serve '{target}'"),
            };
        }
        catch (QuotaServiceException e)
        {
            return Error(e.ErrorCode, e.Message[(e.ErrorCode.Length + 2)..]);
        }
    }

    private async Task<JsonArray> QuotasAsync(string here, string service, string? code, bool defaults, CancellationToken ct) =>
        [.. (await account.ListQuotasAsync(ct))
            .Where(q => q.Info.Key.Region == here && q.Info.Key.ServiceCode == service && (code is null || q.Info.Key.QuotaCode == code))
            .Select(q => (JsonNode)Quota(q, defaults))];

    private async Task<JsonObject> OneAsync(string here, JsonElement input, bool defaults, CancellationToken ct)
    {
        var (service, code) = (Required(input, "ServiceCode"), Required(input, "QuotaCode"));
        var found = (await QuotasAsync(here, service, code, defaults, ct)).FirstOrDefault();
        return found?.DeepClone().AsObject()
            ?? throw new QuotaServiceException(QuotaServiceException.NoSuchResource, $"The request failed because the specified service quota {service}/{code} does not exist in {here}.");
    }

    private async Task<JsonObject> RequestAsync(string here, JsonElement input, CancellationToken ct)
    {
        if (!input.TryGetProperty("DesiredValue", out var desired) || desired.ValueKind != JsonValueKind.Number)
            throw new QuotaServiceException(Validation, "1 validation error detected: Value at 'desiredValue' failed to satisfy constraint: Member must not be null");
        var key = new QuotaKey(Required(input, "ServiceCode"), Required(input, "QuotaCode"), here);
        return Change(await account.RequestIncreaseAsync(key, desired.GetDouble(), ct), await NamesAsync(ct));
    }

    private async Task<JsonArray> HistoryAsync(string? service, string? code, string? status, CancellationToken ct)
    {
        var names = await NamesAsync(ct);
        return [.. (await account.ListRequestsAsync(ct))
            .Where(r => (service is null || r.Quota.ServiceCode == service) && (code is null || r.Quota.QuotaCode == code) && (status is null || r.Status.ToApiName() == status))
            .Select(r => (JsonNode)Change(r, names))];
    }

    private async Task<(HttpStatusCode, string)> SupportCaseAsync(string requestId, CancellationToken ct)
    {
        var request = await FindRequestAsync(requestId, ct);
        await account.CreateSupportCaseAsync(request.Quota, requestId, ct);
        return Ok([]);
    }

    private async Task<RequestedServiceQuotaChange> FindRequestAsync(string requestId, CancellationToken ct) =>
        (await account.ListRequestsAsync(ct)).FirstOrDefault(r => r.Id == requestId)
        ?? throw new QuotaServiceException(QuotaServiceException.NoSuchResource, $"The request {requestId} does not exist.");

    /// <summary>
    /// GetMetricData for the served quotas' metrics: each query's demand at every 5-minute step in [StartTime, EndTime),
    /// oldest first; a metric no quota reports answers no points, as CloudWatch does. The statistic is not applied:
    /// the simulation has one value per step.
    /// </summary>
    private async Task<JsonObject> MetricDataAsync(string here, JsonElement input, CancellationToken ct)
    {
        if (!input.TryGetProperty("MetricDataQueries", out var queries) || queries.ValueKind != JsonValueKind.Array)
            throw new QuotaServiceException(Validation, "1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must not be null");
        var (start, end) = (Time(input, "StartTime"), Time(input, "EndTime"));
        if (end <= start) throw new QuotaServiceException(Validation, "The parameter EndTime must be greater than StartTime.");
        var quotas = (await account.ListQuotasAsync(ct)).Where(q => q.Info.Key.Region == here).ToList();
        var step = SimulatedAccount.SampleInterval;
        var first = new DateTimeOffset((start.UtcTicks + step.Ticks - 1) / step.Ticks * step.Ticks, TimeSpan.Zero);
        var results = new JsonArray();
        foreach (var query in queries.EnumerateArray())
        {
            var id = Optional(query, "Id") ?? throw new QuotaServiceException(Validation, "every MetricDataQuery needs an Id");
            var metric = query.TryGetProperty("MetricStat", out var stat) && stat.TryGetProperty("Metric", out var named) ? named : default;
            var quota = metric.ValueKind == JsonValueKind.Object ? quotas.FirstOrDefault(q => Reports(MetricOf(q.Info), metric)) : null;
            var (times, values) = (new JsonArray(), new JsonArray());
            for (var t = first; quota is not null && t < end; t += step)
            {
                times.Add(t.ToUnixTimeSeconds());
                values.Add(account.DemandAt(quota, t));
            }
            results.Add(new JsonObject { ["Id"] = id, ["Label"] = metric.ValueKind == JsonValueKind.Object ? Optional(metric, "MetricName") : id, ["Timestamps"] = times, ["Values"] = values, ["StatusCode"] = "Complete" });
        }
        return new JsonObject { ["MetricDataResults"] = results, ["Messages"] = new JsonArray() };
    }

    /// <summary>Whether a request's <c>Metric</c> (namespace, name, dimensions in any order) is this usage metric.</summary>
    private static bool Reports(UsageMetric usage, JsonElement metric)
    {
        if (Optional(metric, "Namespace") != usage.MetricNamespace || Optional(metric, "MetricName") != usage.MetricName) return false;
        var dimensions = metric.TryGetProperty("Dimensions", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(d => (Optional(d, "Name") ?? "", Optional(d, "Value") ?? "")).ToHashSet()
            : [];
        return dimensions.SetEquals(usage.MetricDimensions.Select(d => (d.Key, d.Value)));
    }

    private static DateTimeOffset Time(JsonElement input, string member) =>
        input.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value.GetDouble() * 1000))
            : throw new QuotaServiceException(Validation, $"1 validation error detected: Value at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must not be null");

    private async Task<Dictionary<QuotaKey, QuotaInfo>> NamesAsync(CancellationToken ct) =>
        (await account.ListQuotasAsync(ct)).ToDictionary(q => q.Info.Key, q => q.Info);

    private static JsonObject Quota(SimulatedQuota quota, bool defaults)
    {
        var info = quota.Info;
        var metric = MetricOf(info);
        var dimensions = new JsonObject();
        foreach (var (name, value) in metric.MetricDimensions) dimensions[name] = value;
        return new JsonObject
        {
            ["ServiceCode"] = info.Key.ServiceCode,
            ["ServiceName"] = info.Key.ServiceCode,
            ["QuotaArn"] = Arn(info.Key),
            ["QuotaCode"] = info.Key.QuotaCode,
            ["QuotaName"] = info.QuotaName,
            ["Value"] = defaults ? quota.InitialValue : info.Value,
            ["Unit"] = info.Unit,
            ["Adjustable"] = info.Adjustable,
            ["GlobalQuota"] = false,
            ["UsageMetric"] = new JsonObject
            {
                ["MetricNamespace"] = metric.MetricNamespace,
                ["MetricName"] = metric.MetricName,
                ["MetricDimensions"] = dimensions,
                ["MetricStatisticRecommendation"] = metric.MetricStatisticRecommendation,
            },
        };
    }

    private static JsonObject Change(RequestedServiceQuotaChange change, Dictionary<QuotaKey, QuotaInfo> quotas)
    {
        var info = quotas.GetValueOrDefault(change.Quota);
        var reply = new JsonObject
        {
            ["Id"] = change.Id,
            ["ServiceCode"] = change.Quota.ServiceCode,
            ["ServiceName"] = change.Quota.ServiceCode,
            ["QuotaCode"] = change.Quota.QuotaCode,
            ["QuotaName"] = info?.QuotaName ?? change.Quota.QuotaCode,
            ["DesiredValue"] = change.DesiredValue,
            ["Status"] = change.Status.ToApiName(),
            ["Requester"] = $"arn:aws:iam::{AccountId}:user/moto",
            ["QuotaArn"] = Arn(change.Quota),
            ["GlobalQuota"] = false,
            ["Unit"] = info?.Unit ?? "None",
        };
        if (change.CaseId is { } caseId) reply["CaseId"] = caseId;
        if (change.Created is { } created)
        {
            reply["Created"] = created.ToUnixTimeSeconds(); // JSON 1.1 timestamps: epoch seconds
            reply["LastUpdated"] = created.ToUnixTimeSeconds();
        }
        return reply;
    }

    private static string Arn(QuotaKey key) => $"arn:aws:servicequotas:{key.Region}:{AccountId}:{key.ServiceCode}/{key.QuotaCode}";

    private static string Required(JsonElement input, string member) =>
        Optional(input, member) ?? throw new QuotaServiceException(Validation,
            $"1 validation error detected: Value at '{char.ToLowerInvariant(member[0])}{member[1..]}' failed to satisfy constraint: Member must not be null");

    private static string? Optional(JsonElement input, string member) =>
        input.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (HttpStatusCode, string) Ok(JsonObject reply) => (HttpStatusCode.OK, reply.ToJsonString());

    private static (HttpStatusCode, string) Error(string code, string message) =>
        (HttpStatusCode.BadRequest, new JsonObject { ["__type"] = code, ["message"] = message }.ToJsonString());
}
