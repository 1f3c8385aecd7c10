using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests.Reliability;

/// <summary>
/// The <see cref="FaultProxy"/>'s error replies are the services' own: each throttling code is an error shape of the
/// service's botocore model or one of botocore's retryable throttling codes (_retry.json), each JSON protocol's
/// version is the model's, and the product's clients read every reply as the retryable error it is.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class FaultShapeTests
{
    /// <summary>(botocore model, signing name, JSON protocol version, or null for the query protocol).</summary>
    public static TheoryData<string, string, string?> Services => new()
    {
        { "dynamodb", "dynamodb", "1.0" },
        { "service-quotas", "servicequotas", "1.1" },
        { "events", "events", "1.1" },
        { "stepfunctions", "states", "1.0" },
        { "cloudwatch", "monitoring", "1.0" }, // its model's protocol is CBOR, awsQueryCompatible; JSON 1.0 is what the clients send
        { "sns", "sns", null },
    };

    private static readonly Lazy<JsonDocument> Botocore = new(() =>
    {
        const string script = """
            import botocore, os, json, gzip, glob
            d = os.path.join(os.path.dirname(botocore.__file__), 'data')
            out = {'retry': json.load(open(os.path.join(d, '_retry.json')))['definitions'], 'models': {}}
            for svc in ['dynamodb', 'service-quotas', 'events', 'stepfunctions', 'cloudwatch', 'sns']:
                m = json.loads(gzip.open(sorted(glob.glob(os.path.join(d, svc, '*', 'service-2.json.gz')))[-1]).read())
                out['models'][svc] = {'jsonVersion': m['metadata'].get('jsonVersion'), 'protocol': m['metadata']['protocol'],
                    'errors': {k: (v.get('error') or {}).get('code', k) for k, v in m['shapes'].items() if v.get('exception')}}
            print(json.dumps(out))
            """;
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true };
        using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 not found: botocore models are read through it");
        python.StandardInput.Write(script);
        python.StandardInput.Close();
        var json = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        return JsonDocument.Parse(json);
    });

    [Theory]
    [MemberData(nameof(Services))]
    public void Throttling_IsTheServicesOwnCode(string model, string signingName, string? jsonVersion)
    {
        var reply = FaultProxy.Throttling(signingName, jsonVersion is not null, jsonVersion is null ? null : $"application/x-amz-json-{jsonVersion}", 0);
        var other = FaultProxy.Throttling(signingName, jsonVersion is not null, jsonVersion is null ? null : $"application/x-amz-json-{jsonVersion}", 1);

        var codes = new[] { reply, other }.Select(Code).Distinct().ToList();
        var service = Botocore.Value.RootElement.GetProperty("models").GetProperty(model);
        var modelCodes = service.GetProperty("errors").EnumerateObject().Select(e => e.Value.GetString()).ToHashSet();
        var retryCodes = Botocore.Value.RootElement.GetProperty("retry").EnumerateObject()
            .Select(d => d.Value.TryGetProperty("applies_when", out var w) && w.TryGetProperty("response", out var r) && r.TryGetProperty("service_error_code", out var c) ? c.GetString() : null)
            .OfType<string>().ToHashSet();
        Assert.All(codes, c => Assert.True(modelCodes.Contains(c) || retryCodes.Contains(c), $"{model}: {c} is neither an error of the model nor a botocore throttling code"));
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(jsonVersion, service.GetProperty("jsonVersion").GetString());
    }

    [Theory]
    [InlineData("dynamodb", "1.0", "DynamoDB_20120810", "ProvisionedThroughputExceededException")]
    [InlineData("servicequotas", "1.1", "ServiceQuotasV20190624", "TooManyRequestsException")]
    [InlineData("events", "1.1", "AWSEvents", "ThrottlingException")]
    [InlineData("monitoring", "1.0", "GraniteServiceVersion20100801", "ThrottlingException")]
    [InlineData("sns", null, "2010-03-31", "Throttling")]
    public async Task EveryFaultReply_IsReadByTheClients_AsARetryableError(string signingName, string? jsonVersion, string prefix, string throttleCode)
    {
        var contentType = jsonVersion is null ? null : $"application/x-amz-json-{jsonVersion}";
        var replies = new[]
        {
            FaultProxy.Throttling(signingName, jsonVersion is not null, contentType, 0),
            FaultProxy.ServerFault(signingName, jsonVersion is not null, contentType, HttpStatusCode.InternalServerError),
            FaultProxy.ServerFault(signingName, jsonVersion is not null, contentType, HttpStatusCode.ServiceUnavailable),
        };
        var errors = new List<AwsServiceException>();
        foreach (var reply in replies)
        {
            var handler = new ScriptedHandler(() => new HttpResponseMessage(reply.Status) { Content = new ByteArrayContent(reply.Body) { Headers = { { "Content-Type", reply.ContentType } } } });
            using var transport = new AwsTransport(new AwsClientOptions
            {
                Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"), MaxRetries = 0, Transport = handler,
            }, signingName, signingName);
            errors.Add(await Assert.ThrowsAnyAsync<AwsServiceException>(async () =>
            {
                if (jsonVersion is null) await transport.QueryAsync(prefix, "Publish", [], CancellationToken.None);
                else (await transport.JsonAsync(jsonVersion, prefix, "Op", new { }, AwsJson.Pascal, CancellationToken.None)).Dispose();
            }));
        }

        Assert.Equal([(throttleCode, true, true), ("ServerError", false, true), ("ServiceUnavailable", false, true)],
            errors.Select(e => (e.StatusCode == HttpStatusCode.InternalServerError ? "ServerError" : e.ErrorCode, e.IsThrottling, e.IsRetryable)));
    }

    private static string Code(FaultProxy.Reply reply)
    {
        var body = System.Text.Encoding.UTF8.GetString(reply.Body);
        return body.StartsWith('{')
            ? JsonDocument.Parse(body).RootElement.GetProperty("__type").GetString()!.Split('#')[^1]
            : System.Xml.Linq.XElement.Parse(body).Descendants().First(e => e.Name.LocalName == "Code").Value;
    }
}
