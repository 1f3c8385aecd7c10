using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime.Signing;
using Polly;
using Polly.Retry;

namespace QuotaAutomation.Aws.Clients;

/// <summary>
/// Sends one service's requests: builds each attempt afresh, signs it with AWSSDK.Core's <see cref="SigV4SigningHandler"/>,
/// retries throttling, 5xx, timeouts and connection failures with jittered exponential backoff (Polly), never client
/// errors, and turns error bodies (JSON <c>__type</c>, <c>x-amzn-ErrorType</c>, query XML) into <see cref="AwsServiceException"/>s.
/// Speaks the JSON 1.0/1.1 protocols, REST-JSON with fixed POST paths, and the query protocol (form POST, XML reply).
/// </summary>
public sealed class AwsTransport : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _retry;
    private readonly AwsClientOptions _options;

    /// <param name="signingName">The SigV4 service name (e.g. <c>servicequotas</c>, <c>monitoring</c>, <c>states</c>).</param>
    /// <param name="endpointPrefix">The endpoint's host prefix (usually the signing name).</param>
    /// <param name="region">Overrides the options' Region (Support answers in us-east-1 only).</param>
    public AwsTransport(AwsClientOptions options, string signingName, string endpointPrefix, RegionEndpoint? region = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        var signingRegion = region ?? options.Region;
        Endpoint = options.EndpointFor(signingName) ?? new Uri($"https://{endpointPrefix}.{signingRegion.SystemName}.{signingRegion.PartitionDnsSuffix}/");
        var inner = options.Transport ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(new SigV4SigningHandler(options.Credentials, signingRegion, signingName, inner), disposeHandler: options.Transport is null)
        {
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own limit
        };
        var retry = new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<AwsServiceException>(e => e.IsRetryable)
                .Handle<HttpRequestException>()
                .Handle<TimeoutException>(),
            MaxRetryAttempts = Math.Max(1, options.MaxRetries),
            Delay = options.BaseDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        };
        if (options.Randomizer is { } randomizer) retry.Randomizer = randomizer;
        _retry = options.MaxRetries > 0 ? new ResiliencePipelineBuilder().AddRetry(retry).Build() : ResiliencePipeline.Empty;
    }

    public Uri Endpoint { get; }

    /// <summary>A JSON-protocol call: <c>X-Amz-Target: {targetPrefix}.{operation}</c>, the request serialised as is.</summary>
    public async Task<JsonDocument> JsonAsync(string jsonVersion, string targetPrefix, string operation, object request, JsonSerializerOptions serializer, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), serializer);
        var text = await SendAsync(operation, () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue($"application/x-amz-json-{jsonVersion}"); // no charset: AWS rejects one
            message.Headers.TryAddWithoutValidation("X-Amz-Target", $"{targetPrefix}.{operation}");
            return message;
        }, ct);
        return ParseJson(operation, text);
    }

    /// <summary>
    /// A REST-JSON call whose operation is a fixed POST path (the Account API: <c>POST /getAlternateContact</c>): the
    /// request serialised as the JSON body, no target header.
    /// </summary>
    public async Task<JsonDocument> RestJsonAsync(string operation, string path, object request, JsonSerializerOptions serializer, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), serializer);
        var uri = new Uri(Endpoint, path.TrimStart('/')); // relative: an endpoint with a path (a proxy) keeps it
        var text = await SendAsync(operation, () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return message;
        }, ct);
        return ParseJson(operation, text);
    }

    /// <summary>
    /// A REST-JSON GET (EKS <c>ListClusters</c>: <c>GET /clusters?maxResults=100</c>): the operation's path with its
    /// query string already encoded, no body.
    /// </summary>
    public async Task<JsonDocument> RestJsonGetAsync(string operation, string pathAndQuery, CancellationToken ct)
    {
        var uri = new Uri(Endpoint, pathAndQuery.TrimStart('/')); // relative: an endpoint with a path (a proxy) keeps it
        var text = await SendAsync(operation, () => new HttpRequestMessage(HttpMethod.Get, uri), ct);
        return ParseJson(operation, text);
    }

    /// <summary>A JSON reply (an empty body is an empty object); one that does not parse is a malformed reply, named by operation.</summary>
    private static JsonDocument ParseJson(string operation, string text)
    {
        try
        {
            return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        }
        catch (JsonException e)
        {
            throw Malformed(operation, e.Message, text);
        }
    }

    /// <summary>A query-protocol call: <c>Action</c>, <c>Version</c> and the parameters as a form; the XML reply's root.</summary>
    public async Task<XElement> QueryAsync(string version, string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        var form = new[] { KeyValuePair.Create("Action", action), KeyValuePair.Create("Version", version) }.Concat(parameters).ToList();
        var text = await SendAsync(action, () => new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new FormUrlEncodedContent(form) }, ct);
        try
        {
            return XElement.Parse(text);
        }
        catch (System.Xml.XmlException e)
        {
            throw Malformed(action, e.Message, text);
        }
    }

    private async Task<string> SendAsync(string operation, Func<HttpRequestMessage> build, CancellationToken ct) =>
        await _retry.ExecuteAsync(async token =>
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token);
            attempt.CancelAfter(_options.AttemptTimeout);
            try
            {
                using var request = build();
                using var response = await _http.SendAsync(request, attempt.Token);
                var text = await response.Content.ReadAsStringAsync(attempt.Token);
                if (response.IsSuccessStatusCode) return text;
                throw ParseError(operation, response, text);
            }
            catch (OperationCanceledException) when (!token.IsCancellationRequested)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"{operation} timed out after {_options.AttemptTimeout.TotalSeconds:0.#} s"));
            }
        }, ct);

    private static AwsServiceException ParseError(string operation, HttpResponseMessage response, string body)
    {
        var requestId = Header(response, "x-amzn-RequestId") ?? Header(response, "x-amz-request-id");
        string? code = Header(response, "x-amzn-ErrorType")?.Split(':')[0];
        string? message = null;
        var trimmed = body.TrimStart();
        try
        {
            if (trimmed.StartsWith('{'))
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("__type", out var type)) code = type.GetString()?.Split('#')[^1];
                message = json.RootElement.TryGetProperty("message", out var m) || json.RootElement.TryGetProperty("Message", out m) ? m.GetString() : null;
            }
            else if (trimmed.StartsWith('<') && !trimmed.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) && !trimmed.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
            {
                var error = XElement.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? code;
                message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
            }
        }
        catch (Exception e) when (e is JsonException or System.Xml.XmlException)
        {
            // An unparseable error body keeps the status code as its only information.
        }
        if (code is null && (trimmed.StartsWith("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("<html", StringComparison.OrdinalIgnoreCase)))
            code = AwsServiceException.HtmlErrorPage;
        code ??= (int)response.StatusCode >= 500 ? "ServiceUnavailable" : "UnknownError";
        message ??= $"HTTP {(int)response.StatusCode} {Snippet(body)}";
        return AwsServiceException.Create(code, message, response.StatusCode, operation, requestId);
    }

    private static AwsServiceException Malformed(string operation, string problem, string body) =>
        new("MalformedResponse", $"unreadable reply ({problem}): {Snippet(body)}", HttpStatusCode.OK, operation, null);

    /// <summary>A reply squeezed to one line of at most 160 characters, for error messages.</summary>
    internal static string Snippet(string body)
    {
        var flat = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 160 ? flat : flat[..160] + "…";
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}

/// <summary>JSON settings shared by the clients: wire member names as written, nulls left out, timestamps as epoch seconds.</summary>
public static class AwsJson
{
    public static readonly JsonSerializerOptions Pascal = Create(null);

    public static readonly JsonSerializerOptions Camel = Create(JsonNamingPolicy.CamelCase);

    private static JsonSerializerOptions Create(JsonNamingPolicy? naming)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = naming,
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
        };
        options.Converters.Add(new EpochSecondsConverter());
        options.Converters.Add(new BoundedNumberConverter());
        return options;
    }

    /// <summary>The largest number believed in a reply (a quota value, a usage, an epoch time): 1e15, where a double stops counting whole units.</summary>
    public const double MaxNumber = 1e15;

    /// <summary>
    /// Every number in these services' replies is a quota value, a usage, a count or a time: finite, ≥ 0 and at most
    /// <see cref="MaxNumber"/>. Anything else (1e400 reads as Infinity) is a malformed reply naming the field, not a
    /// value the engine would size an increase from.
    /// </summary>
    private sealed class BoundedNumberConverter : System.Text.Json.Serialization.JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType is JsonTokenType.Number or JsonTokenType.String
                ? System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan)
                : throw new JsonException($"a number is expected, not {reader.TokenType}");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0 || value > MaxNumber)
                throw new JsonException($"{(text.Length > 40 ? text[..40] + "…" : text)} is not a number between 0 and 1e15");
            return value;
        }

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    /// <summary>AWS JSON protocols send timestamps as epoch seconds (fractions allowed); ISO strings are accepted too.</summary>
    private sealed class EpochSecondsConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.Number => FromSeconds(reader.GetDouble()),
            JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => FromSeconds(s),
            JsonTokenType.String when DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) => t,
            _ => throw new JsonException($"a timestamp must be epoch seconds or an ISO 8601 time, not {reader.TokenType}"),
        };

        /// <summary>Years 1970 to 9999 only: anything else (1e400, -1e30) is no time AWS would send.</summary>
        private static DateTimeOffset FromSeconds(double seconds) => double.IsFinite(seconds) && seconds is >= 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000))
            : throw new JsonException($"{seconds.ToString(CultureInfo.InvariantCulture)} is not a time in epoch seconds");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000.0);
    }
}
