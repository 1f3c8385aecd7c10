using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>
/// Service Quotas at the HTTP transport seam, for what moto 5.2.1 lacks (it serves only GetServiceQuota and
/// ListAWSDefaultServiceQuotas, for vpc). Speaks the real JSON 1.1 wire shapes (botocore service-quotas 2019-06-24:
/// members, epoch-second timestamps, <c>__type</c> errors) and AWS's open-request limits. Optionally serves CloudWatch
/// GetMetricData with a constant per metric. Every other request goes to the inner handler (moto), or is refused.
/// Each request is recorded, so tests can count calls and check them against the botocore model. It also serves the
/// account's utilization report (StartQuotaUtilizationReport / GetQuotaUtilizationReport: <c>{ReportId, Status,
/// Message}</c>, then <c>{ReportId, Status, GeneratedAt, TotalCount, Quotas[{QuotaCode, ServiceCode, QuotaName,
/// Namespace, Utilization, DefaultValue, AppliedValue, ServiceName, Adjustable}], NextToken}</c>, fullest first): every
/// quota of the Region that has a usage metric, as AWS lists it.
/// </summary>
public sealed partial class FakeServiceQuotas(HttpMessageHandler? inner = null) : DelegatingHandler(inner ?? new RefuseHandler())
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Region, string Service, string Code), JsonObject> _quotas = [];
    private readonly List<JsonObject> _requests = [];
    private readonly Dictionary<string, (string Region, int Polls)> _reports = [];

    /// <summary>(target, region, body) of every request seen, in order; the target is e.g. <c>ServiceQuotasV20190624.ListServiceQuotas</c>.</summary>
    public List<(string Target, string Region, string Body)> Seen { get; } = [];

    /// <summary>When set, CloudWatch GetMetricData is answered here: the value of every metric at every 5-minute step.</summary>
    public Func<string, double>? MetricValue { get; set; }

    /// <summary>Serve the utilization report (off: answered as an unknown operation, as before the report existed).</summary>
    public bool ServeReports { get; set; }

    /// <summary>GetQuotaUtilizationReport polls answered PENDING before the report is COMPLETED.</summary>
    public int ReportPendingPolls { get; set; }

    /// <summary>
    /// StartQuotaUtilizationReport answers COMPLETED (AWS: its Message may say a recent report is reused), so the reader
    /// polls at once instead of after its poll delay: for tests whose engine clock does not move while a cycle runs.
    /// </summary>
    public bool ReportReadyAtStart { get; set; }

    /// <summary>A quota's utilization % in the report, by quota code (default 40).</summary>
    public Func<string, double> ReportUtilization { get; set; } = _ => 40;

    /// <summary>A quota's applied value in the report, by quota code, when it should differ from its listed value (null: the same).</summary>
    public Func<string, double?> ReportedValue { get; set; } = _ => null;

    /// <summary>The clock a report's <c>GeneratedAt</c> is read from.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Service Quotas operations to leave to the inner handler (moto), e.g. GetServiceQuota for vpc.</summary>
    public Func<string, bool> PassThrough { get; set; } = _ => false;

    /// <summary>Operation → a reply to give instead (faults); null answers normally.</summary>
    public Func<string, HttpResponseMessage?> Fault { get; set; } = _ => null;

    public int Calls(string operation) { lock (_lock) return Seen.Count(s => s.Target.EndsWith("." + operation, StringComparison.Ordinal)); }

    /// <summary>Every target that passed through, faked or forwarded (e.g. <c>DynamoDB_20120810.Query</c>), with its count.</summary>
    public Dictionary<string, int> Forwarded { get; } = [];

    public void AddQuota(string region, string service, string code, double value, string? usageMetricJson = null, bool adjustable = true)
    {
        var quota = new JsonObject
        {
            ["ServiceCode"] = service,
            ["ServiceName"] = service.ToUpperInvariant(),
            ["QuotaArn"] = $"arn:aws:servicequotas:{region}:123456789012:{service}/{code}",
            ["QuotaCode"] = code,
            ["QuotaName"] = $"{service} quota {code}",
            ["Value"] = value,
            ["Unit"] = "None",
            ["Adjustable"] = adjustable,
            ["GlobalQuota"] = false,
        };
        if (usageMetricJson is not null) quota["UsageMetric"] = JsonNode.Parse(usageMetricJson);
        lock (_lock) _quotas[(region, service, code)] = quota;
    }

    /// <summary>Sets one more member of a quota added before, as the API spells it (e.g. <c>Period</c>, <c>QuotaName</c>).</summary>
    public void SetMember(string region, string service, string code, string member, JsonNode value)
    {
        lock (_lock) _quotas[(region, service, code)][member] = value;
    }

    public IReadOnlyList<JsonObject> Requests { get { lock (_lock) return _requests.Select(r => (JsonObject)r.DeepClone()).ToList(); } }

    /// <summary>AWS decides a request; an approval applies the value.</summary>
    public void Decide(string id, string status)
    {
        lock (_lock)
        {
            var r = _requests.Single(x => (string?)x["Id"] == id);
            r["Status"] = status;
            if (status == "APPROVED") _quotas[((string)r["Region"]!, (string)r["ServiceCode"]!, (string)r["QuotaCode"]!)]["Value"] = (double)r["DesiredValue"]!;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.First() : "";
        var authorization = request.Headers.TryGetValues("Authorization", out var auth) ? auth.Single() : "";
        var region = ScopeRegion().Match(authorization) is { Success: true } m ? m.Groups[1].Value : "?";
        var isQuotas = target.StartsWith("ServiceQuotasV20190624.", StringComparison.Ordinal) && !PassThrough(target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        var isMetrics = target == "GraniteServiceVersion20100801.GetMetricData" && MetricValue is not null;
        if (!isQuotas && !isMetrics)
        {
            lock (_lock) Forwarded[target] = Forwarded.GetValueOrDefault(target) + 1;
            return await base.SendAsync(request, cancellationToken);
        }

        var body = request.Content is null ? "{}" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_lock) Seen.Add((target, region, body));
        var operation = target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..];
        if (Fault(operation) is { } fault) return fault;
        var input = JsonNode.Parse(body)!.AsObject();
        lock (_lock)
        {
            return isMetrics ? Metrics(input) : operation switch
            {
                "ListServiceQuotas" => List(region, input),
                "ListServices" => Services(region, input),
                "GetServiceQuota" or "GetAWSDefaultServiceQuota" => Get(region, input),
                "RequestServiceQuotaIncrease" => RequestIncrease(region, input),
                "GetRequestedServiceQuotaChange" => _requests.FirstOrDefault(r => (string?)r["Id"] == (string?)input["RequestId"]) is { } found
                    ? Ok(new JsonObject { ["RequestedQuota"] = Wire(found) })
                    : Error("NoSuchResourceException", "The request does not exist."),
                "ListRequestedServiceQuotaChangeHistoryByQuota" => Ok(new JsonObject
                {
                    ["RequestedQuotas"] = new JsonArray(_requests.Where(r => (string?)r["Region"] == region && (string?)r["ServiceCode"] == (string?)input["ServiceCode"] && (string?)r["QuotaCode"] == (string?)input["QuotaCode"]).Select(r => (JsonNode)Wire(r)).ToArray()),
                }),
                "CreateSupportCase" => SupportCase(input),
                "StartQuotaUtilizationReport" when ServeReports => StartReport(region),
                "GetQuotaUtilizationReport" when ServeReports => Report(input),
                _ => Error("UnknownOperationException", operation),
            };
        }
    }

    private HttpResponseMessage List(string region, JsonObject input)
    {
        var all = _quotas.Where(q => q.Key.Region == region && q.Key.Service == (string?)input["ServiceCode"]).OrderBy(q => q.Key.Code, StringComparer.Ordinal).Select(q => q.Value).ToList();
        if (all.Count == 0) return Error("NoSuchResourceException", "This service is not available in the current Region.");
        var max = (int?)input["MaxResults"] ?? 100;
        var skip = input["NextToken"] is { } token ? int.Parse((string)token!, CultureInfo.InvariantCulture) : 0;
        var page = all.Skip(skip).Take(max).Select(q => q.DeepClone()).ToArray();
        var reply = new JsonObject { ["Quotas"] = new JsonArray(page) };
        if (skip + max < all.Count) reply["NextToken"] = (skip + max).ToString(CultureInfo.InvariantCulture);
        return Ok(reply);
    }

    private HttpResponseMessage Services(string region, JsonObject input)
    {
        var all = _quotas.Where(q => q.Key.Region == region).GroupBy(q => q.Key.Service).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new JsonObject { ["ServiceCode"] = g.Key, ["ServiceName"] = (string?)g.First().Value["ServiceName"] }).ToList();
        var max = (int?)input["MaxResults"] ?? 100;
        var skip = input["NextToken"] is { } token ? int.Parse((string)token!, CultureInfo.InvariantCulture) : 0;
        var reply = new JsonObject { ["Services"] = new JsonArray(all.Skip(skip).Take(max).ToArray()) };
        if (skip + max < all.Count) reply["NextToken"] = (skip + max).ToString(CultureInfo.InvariantCulture);
        return Ok(reply);
    }

    private HttpResponseMessage Get(string region, JsonObject input) =>
        _quotas.TryGetValue((region, (string)input["ServiceCode"]!, (string)input["QuotaCode"]!), out var q)
            ? Ok(new JsonObject { ["Quota"] = q.DeepClone() })
            : Error("NoSuchResourceException", "The request failed because the specified service does not exist.");

    private HttpResponseMessage RequestIncrease(string region, JsonObject input)
    {
        var key = (region, (string)input["ServiceCode"]!, (string)input["QuotaCode"]!);
        if (!_quotas.TryGetValue(key, out var quota)) return Error("NoSuchResourceException", "The specified quota does not exist.");
        var desired = (double)input["DesiredValue"]!;
        if (desired <= (double)quota["Value"]!) return Error("IllegalArgumentException", "DesiredValue must be greater than the current value.");
        var open = _requests.Where(r => (string?)r["Status"] is "PENDING" or "CASE_OPENED").ToList();
        if (open.Any(r => (string?)r["Region"] == region && (string?)r["ServiceCode"] == key.Item2 && (string?)r["QuotaCode"] == key.Item3))
            return Error("ResourceAlreadyExistsException", "A request for this quota is already open.");
        if (open.Count(r => (string?)r["Region"] == region) >= 2) return Error("QuotaExceededException", "You have reached the maximum number of open requests in this Region.");
        if (open.Count >= 20) return Error("QuotaExceededException", "You have reached the maximum number of open requests for this account.");
        var request = new JsonObject
        {
            ["Id"] = string.Create(CultureInfo.InvariantCulture, $"req-{_requests.Count + 1:D4}"),
            ["Region"] = region,
            ["ServiceCode"] = key.Item2,
            ["QuotaCode"] = key.Item3,
            ["QuotaName"] = (string?)quota["QuotaName"],
            ["DesiredValue"] = desired,
            ["Status"] = "PENDING",
            ["Created"] = 1764000000.123,
            ["LastUpdated"] = 1764000000.123,
            ["Requester"] = "{\"accountId\":\"123456789012\",\"callerArn\":\"arn:aws:iam::123456789012:role/quota-automation\"}",
            ["QuotaArn"] = (string?)quota["QuotaArn"],
            ["GlobalQuota"] = false,
            ["Unit"] = "None",
        };
        _requests.Add(request);
        return Ok(new JsonObject { ["RequestedQuota"] = Wire(request) });
    }

    private HttpResponseMessage StartReport(string region)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"qur-{_reports.Count + 1:D4}");
        _reports[id] = (region, 0);
        return Ok(ReportReadyAtStart
            ? new JsonObject { ["ReportId"] = id, ["Status"] = "COMPLETED", ["Message"] = "A recent quota utilization report is reused." }
            : new JsonObject { ["ReportId"] = id, ["Status"] = "PENDING", ["Message"] = "Quota utilization report generation started." });
    }

    private HttpResponseMessage Report(JsonObject input)
    {
        var id = (string?)input["ReportId"] ?? "";
        if (!_reports.TryGetValue(id, out var report)) return Error("NoSuchResourceException", $"The report {id} does not exist or has expired.");
        if (report.Polls < ReportPendingPolls)
        {
            _reports[id] = report with { Polls = report.Polls + 1 };
            return Ok(new JsonObject { ["ReportId"] = id, ["Status"] = "PENDING" });
        }
        var lines = _quotas.Where(q => q.Key.Region == report.Region && q.Value["UsageMetric"] is not null)
            .Select(q => new JsonObject
            {
                ["QuotaCode"] = q.Key.Code, ["ServiceCode"] = q.Key.Service, ["QuotaName"] = (string?)q.Value["QuotaName"],
                ["Namespace"] = (string?)q.Value["UsageMetric"]!["MetricNamespace"], ["Utilization"] = ReportUtilization(q.Key.Code),
                ["DefaultValue"] = (double)q.Value["Value"]!, ["AppliedValue"] = ReportedValue(q.Key.Code) ?? (double)q.Value["Value"]!,
                ["ServiceName"] = (string?)q.Value["ServiceName"], ["Adjustable"] = (bool)q.Value["Adjustable"]!,
            })
            .OrderByDescending(l => (double)l["Utilization"]!).ThenBy(l => (string?)l["QuotaCode"], StringComparer.Ordinal).ToList();
        var max = (int?)input["MaxResults"] ?? 1000;
        var skip = input["NextToken"] is { } token ? int.Parse((string)token!, CultureInfo.InvariantCulture) : 0;
        var reply = new JsonObject
        {
            ["ReportId"] = id, ["Status"] = "COMPLETED", ["GeneratedAt"] = Clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0, ["TotalCount"] = lines.Count,
            ["Quotas"] = new JsonArray(lines.Skip(skip).Take(max).Select(l => (JsonNode)l).ToArray()),
        };
        if (skip + max < lines.Count) reply["NextToken"] = (skip + max).ToString(CultureInfo.InvariantCulture);
        return Ok(reply);
    }

    private HttpResponseMessage SupportCase(JsonObject input)
    {
        var r = _requests.FirstOrDefault(x => (string?)x["Id"] == (string?)input["RequestId"]);
        if (r is null) return Error("NoSuchResourceException", "The request does not exist.");
        if ((string?)r["Status"] != "PENDING") return Error("InvalidResourceStateException", "The request is not PENDING.");
        r["Status"] = "CASE_OPENED";
        r["CaseId"] = "case-" + (string?)r["Id"];
        return Ok(new JsonObject());
    }

    private HttpResponseMessage Metrics(JsonObject input)
    {
        var start = (double)input["StartTime"]!;
        var end = (double)input["EndTime"]!;
        var results = new JsonArray();
        foreach (var query in input["MetricDataQueries"]!.AsArray())
        {
            var name = query!["MetricStat"]!["Metric"]!.ToJsonString();
            var times = new JsonArray();
            var values = new JsonArray();
            var period = (int?)query["MetricStat"]?["Period"] ?? 300; // as CloudWatch: one value per period
            for (var t = Math.Ceiling(start / period) * period; t <= end; t += period)
            {
                times.Add(t);
                values.Add(MetricValue!(name));
            }
            results.Add(new JsonObject { ["Id"] = (string?)query["Id"], ["Label"] = "usage", ["Timestamps"] = times, ["Values"] = values, ["StatusCode"] = "Complete" });
        }
        return Ok(new JsonObject { ["MetricDataResults"] = results, ["Messages"] = new JsonArray() });
    }

    private static JsonObject Wire(JsonObject request)
    {
        var copy = (JsonObject)request.DeepClone();
        copy.Remove("Region");
        return copy;
    }

    private static HttpResponseMessage Ok(JsonObject body) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1"),
    };

    public static HttpResponseMessage Error(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code, ["message"] = message }), Encoding.UTF8, "application/x-amz-json-1.1"),
    };

    [GeneratedRegex(@"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")]
    private static partial Regex ScopeRegion();

    private sealed class RefuseHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Error("UnexpectedCall", $"no fake for {(request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.First() : request.RequestUri?.ToString())}", HttpStatusCode.NotImplemented));
    }
}
