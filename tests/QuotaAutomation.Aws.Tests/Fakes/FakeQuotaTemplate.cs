using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>
/// Service Quotas' quota request template and Automatic Management, which moto 5.2.1 lacks: a stateful fake at the
/// HTTP transport answering the model's request and reply shapes (every reply checked against the botocore model).
/// Errors as AWS sends them in JSON 1.1: status 400 and a <c>__type</c>. The template holds at most 10 entries (the
/// Service Quotas User Guide, "Using Service Quotas request templates"); what AWS answers past that is not documented,
/// and this fake answers the model's QuotaExceededException.
/// </summary>
public sealed class FakeQuotaTemplate : HttpMessageHandler
{
    private static readonly BotocoreModel Model = BotocoreModel.Load("service-quotas");
    private readonly Dictionary<(string, string, string), double> _entries = [];
    private readonly Lock _lock = new();

    public string? Association { get; set; }

    /// <summary>Automatic Management per signing Region: the opt-in type, or absent when never started.</summary>
    public Dictionary<string, string> AutoManagement { get; } = [];

    /// <summary>Quota codes Put refuses (not adjustable, say) with the error given.</summary>
    public Dictionary<string, string> Refuse { get; } = [];

    public List<string> Calls { get; } = [];

    public void Hold(string service, string quota, string region, double value) { lock (_lock) _entries[(service, quota, region)] = value; }

    public IReadOnlyDictionary<(string, string, string), double> Entries { get { lock (_lock) return new Dictionary<(string, string, string), double>(_entries); } }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = request.Headers.GetValues("X-Amz-Target").Single().Split('.')[1];
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        var region = request.Headers.GetValues("Authorization").Single().Split('/')[2]; // Credential=AKID/date/REGION/service/aws4_request
        Assert.Empty(Model.Check(operation, body.ToJsonString()));
        lock (_lock)
        {
            Calls.Add(operation);
            return operation switch
            {
                "ListServiceQuotaIncreaseRequestsInTemplate" => Reply(operation, new JsonObject
                {
                    ["ServiceQuotaIncreaseRequestInTemplateList"] = new JsonArray([.. _entries.Select(e => (JsonNode)new JsonObject
                    {
                        ["ServiceCode"] = e.Key.Item1, ["QuotaCode"] = e.Key.Item2, ["AwsRegion"] = e.Key.Item3, ["DesiredValue"] = e.Value,
                        ["ServiceName"] = "Amazon Elastic Compute Cloud (Amazon EC2)", ["QuotaName"] = "Some quota", ["GlobalQuota"] = false,
                    })]),
                }),
                "PutServiceQuotaIncreaseRequestIntoTemplate" => Put(operation, body),
                "DeleteServiceQuotaIncreaseRequestFromTemplate" => _entries.Remove(Key(body))
                    ? Reply(operation, []) : Error("NoSuchResourceException", "The request template entry does not exist."),
                "GetAssociationForServiceQuotaTemplate" => Association is null
                    ? Error("ServiceQuotaTemplateNotInUseException", "The quota request template is not in use.")
                    : Reply(operation, new JsonObject { ["ServiceQuotaTemplateAssociationStatus"] = Association }),
                "AssociateServiceQuotaTemplate" => Associate(operation),
                "GetAutoManagementConfiguration" => AutoManagement.TryGetValue(region, out var type)
                    ? Reply(operation, new JsonObject { ["OptInLevel"] = "ACCOUNT", ["OptInType"] = type, ["OptInStatus"] = "ENABLED", ["ExclusionList"] = new JsonObject() })
                    : Error("NoSuchResourceException", "Automatic Management is not configured for this account."),
                "StartAutoManagement" => Start(operation, region, body),
                _ => Error("UnknownOperationException", operation),
            };
        }
    }

    private HttpResponseMessage Put(string operation, JsonObject body)
    {
        var key = Key(body);
        if (Refuse.TryGetValue(key.Item2, out var code)) return Error(code, $"The quota {key.Item2} can't be added to the template.");
        if (!_entries.ContainsKey(key) && _entries.Count >= 10) return Error("QuotaExceededException", "You have reached the maximum number of quotas in the template.");
        _entries[key] = body["DesiredValue"]!.GetValue<double>();
        return Reply(operation, new JsonObject
        {
            ["ServiceQuotaIncreaseRequestInTemplate"] = new JsonObject
            {
                ["ServiceCode"] = key.Item1, ["QuotaCode"] = key.Item2, ["AwsRegion"] = key.Item3, ["DesiredValue"] = _entries[key], ["GlobalQuota"] = false,
            },
        });
    }

    private HttpResponseMessage Associate(string operation)
    {
        Association = "ASSOCIATED";
        return Reply(operation, []);
    }

    private HttpResponseMessage Start(string operation, string region, JsonObject body)
    {
        AutoManagement[region] = body["OptInType"]!.GetValue<string>();
        return Reply(operation, []);
    }

    private static (string, string, string) Key(JsonObject body) =>
        (body["ServiceCode"]!.GetValue<string>(), body["QuotaCode"]!.GetValue<string>(), body["AwsRegion"]!.GetValue<string>());

    private static HttpResponseMessage Reply(string operation, JsonObject reply)
    {
        var text = reply.ToJsonString();
        Assert.Empty(Model.CheckOutput(operation, text));
        return ScriptedHandler.Json(text);
    }

    private static HttpResponseMessage Error(string code, string message) =>
        ScriptedHandler.Json(JsonSerializer.Serialize(new { __type = code, message }), HttpStatusCode.BadRequest);
}
