using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace QuotaAutomation.Aws.Tests.Reliability;

/// <summary>What the proxy did to one request instead of (or after) forwarding it.</summary>
public enum FaultKind
{
    /// <summary>HTTP 400 in the service's own throttling shape (never forwarded: AWS throttles before it acts).</summary>
    Throttle,
    /// <summary>HTTP 500 InternalFailure / InternalServerError (never forwarded).</summary>
    ServerError,
    /// <summary>HTTP 503 ServiceUnavailable (never forwarded).</summary>
    Unavailable,
    /// <summary>The connection is closed without a reply (never forwarded).</summary>
    Drop,
    /// <summary>Forwarded and acted on, but the reply is held past the client's attempt timeout and then the connection closed: a lost reply.</summary>
    Delay,
}

/// <summary>One request as the proxy saw it, and what it did.</summary>
public sealed record ProxiedCall(int Sequence, string Service, string Region, string Operation, string Body, FaultKind? Fault);

/// <summary>
/// An HTTP/1.1 forwarder on a loopback socket (raw, so that a dropped connection is a real close: HttpListener
/// answers an aborted response with an empty 200) on 127.0.0.1 between the AWS clients (their <c>EndpointUrl</c>, the DynamoDB SDK's
/// <c>ServiceURL</c>) and the upstream (moto, with <see cref="Fakes.FakeServiceQuotas"/> in front for what moto lacks).
/// With a seeded random source, at <see cref="Rate"/>, it answers a request with a fault instead: throttling in the
/// service's real error shape (botocore models, checked in FaultShapeTests), 500, 503, a closed connection, or a
/// reply held past the client's timeout. It counts what it injected by kind.
/// </summary>
public sealed partial class FaultProxy : IDisposable
{
    private static readonly string[] HopByHop = ["Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Host", "Expect", "Proxy-Connection", "TE", "Trailer", "Upgrade"];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly HttpMessageInvoker _upstream;
    private readonly Uri _upstreamBase;
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly List<ProxiedCall> _calls = [];
    private readonly Dictionary<FaultKind, int> _injected = Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _oneDynamoCallAtATime = new(1, 1);
    private readonly Task _loop;

    /// <param name="upstream">Where forwarded requests go (a handler, so a transport fake can sit in front of moto).</param>
    /// <param name="upstreamBase">The upstream's base address (moto's endpoint).</param>
    /// <param name="seed">Seed of the fault draws: the same seed and the same request order inject the same faults.</param>
    /// <param name="holdFor">How long a <see cref="FaultKind.Delay"/> holds the reply: longer than the client's attempt timeout.</param>
    public FaultProxy(HttpMessageHandler upstream, Uri upstreamBase, int seed, TimeSpan holdFor)
    {
        _upstream = new HttpMessageInvoker(upstream, disposeHandler: false);
        _upstreamBase = upstreamBase;
        _random = new Random(seed);
        HoldFor = holdFor;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    public TimeSpan HoldFor { get; }

    /// <summary>Share of requests that get a fault (0 forwards everything).</summary>
    public double Rate { get; set; }

    /// <summary>Relative weights of the fault kinds; throttling is the most common fault AWS gives.</summary>
    public IReadOnlyDictionary<FaultKind, double> Weights { get; set; } = new Dictionary<FaultKind, double>
    {
        [FaultKind.Throttle] = 4, [FaultKind.ServerError] = 1, [FaultKind.Unavailable] = 1, [FaultKind.Drop] = 1, [FaultKind.Delay] = 0.3, // a delay costs the client a whole attempt timeout
    };

    /// <summary>Which requests may get faults (e.g. only one service's); the others always pass.</summary>
    public Func<ProxiedCall, bool> Eligible { get; set; } = _ => true;

    /// <summary>
    /// Forward DynamoDB calls to moto one at a time. moto's TransactWriteItems undoes a failed transaction by restoring
    /// a copy of the table taken when it began, which drops what other threads wrote meanwhile (read in moto's source; seen
    /// here: a reservation lost while another cycle's reservation failed its condition, then a second filing). DynamoDB
    /// isolates transactions and never loses such a write, so concurrency tests model it by serialising what moto gets.
    /// </summary>
    public bool SerializeDynamoDb { get; set; }

    public IReadOnlyDictionary<FaultKind, int> Injected { get { lock (_lock) return new Dictionary<FaultKind, int>(_injected); } }

    public int TotalInjected { get { lock (_lock) return _injected.Values.Sum(); } }

    public IReadOnlyList<ProxiedCall> Calls { get { lock (_lock) return [.. _calls]; } }

    /// <summary>Forwarded replies by sequence: status and body length (what the client got when no fault was injected).</summary>
    public IReadOnlyDictionary<int, (int Status, int Length)> Replies { get { lock (_lock) return new Dictionary<int, (int, int)>(_replies); } }

    private readonly Dictionary<int, (int Status, int Length)> _replies = [];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return; // stopped
            }
            _ = Task.Run(() => ConnectionAsync(socket));
        }
    }

    /// <summary>HTTP/1.1 with keep-alive: one request after another on a connection, until a fault closes it.</summary>
    private async Task ConnectionAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            while (await ReadRequestAsync(stream) is { } request)
                if (!await ServeAsync(stream, request)) return;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or HttpRequestException)
        {
            // the client went away (its own timeout) or the proxy is stopping
        }
    }

    private sealed record Request(string Method, string Target, List<KeyValuePair<string, string>> Headers, byte[] Body)
    {
        public string? Header(string name) => Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
    }

    private async Task<Request?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0) return null; // closed between requests
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => KeyValuePair.Create(l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        var length = int.Parse(headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value ?? "0", CultureInfo.InvariantCulture);
        if (headers.Any(h => h.Key.Equals("Expect", StringComparison.OrdinalIgnoreCase)))
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), _stop.Token);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, _stop.Token);
        return new Request(first[0], first[1], headers, body);
    }

    /// <returns>Whether the connection stays open for another request.</returns>
    private async Task<bool> ServeAsync(NetworkStream stream, Request request)
    {
        var scope = Scope().Match(request.Header("Authorization") ?? "");
        var service = scope.Success ? scope.Groups[2].Value : "?";
        var region = scope.Success ? scope.Groups[1].Value : "?";
        var text = Encoding.UTF8.GetString(request.Body);
        var target = request.Header("X-Amz-Target");
        var contentType = request.Header("Content-Type");
        var operation = target is not null ? target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..]
            : QueryAction().Match(text) is { Success: true } action ? action.Groups[1].Value : request.Method;

        FaultKind? fault;
        ProxiedCall call;
        lock (_lock)
        {
            call = new ProxiedCall(_calls.Count, service, region, operation, text, null);
            fault = Eligible(call) && _random.NextDouble() < Rate ? Pick(_random.NextDouble()) : null;
            call = call with { Fault = fault };
            _calls.Add(call);
            if (fault is { } kind) _injected[kind]++;
        }

        switch (fault)
        {
            case FaultKind.Drop:
                return false; // closes the socket: no status line, no byte of a reply
            case FaultKind.Throttle:
                await WriteAsync(stream, Throttling(service, target is not null, contentType, call.Sequence));
                return true;
            case FaultKind.ServerError:
                await WriteAsync(stream, ServerFault(service, target is not null, contentType, HttpStatusCode.InternalServerError));
                return true;
            case FaultKind.Unavailable:
                await WriteAsync(stream, ServerFault(service, target is not null, contentType, HttpStatusCode.ServiceUnavailable));
                return true;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_upstreamBase, request.Target)) { Content = new ByteArrayContent(request.Body) };
        foreach (var (name, value) in request.Headers.Where(h => !HopByHop.Contains(h.Key, StringComparer.OrdinalIgnoreCase)))
            if (!forward.Headers.TryAddWithoutValidation(name, value)) forward.Content.Headers.TryAddWithoutValidation(name, value);
        forward.Headers.Host = request.Header("Host"); // signed with the proxy's host; moto does not check signatures
        var serialised = SerializeDynamoDb && service == "dynamodb";
        if (serialised) await _oneDynamoCallAtATime.WaitAsync(_stop.Token);
        HttpResponseMessage reply;
        byte[] content;
        try
        {
            reply = await _upstream.SendAsync(forward, _stop.Token);
            content = await reply.Content.ReadAsByteArrayAsync(_stop.Token);
        }
        finally
        {
            if (serialised) _oneDynamoCallAtATime.Release();
        }
        using var disposeReply = reply;
        if (fault == FaultKind.Delay)
        {
            await Task.Delay(HoldFor, _stop.Token); // the upstream acted; the client gives up first, then the reply is lost
            return false;
        }
        lock (_lock) _replies[call.Sequence] = ((int)reply.StatusCode, content.Length);
        await WriteAsync(stream, new Reply(reply.StatusCode, content, reply.Content.Headers.ContentType?.ToString(),
            reply.Headers.Concat(reply.Content.Headers).Where(h => !HopByHop.Contains(h.Key, StringComparer.OrdinalIgnoreCase) && !h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                .Select(h => KeyValuePair.Create(h.Key, string.Join(",", h.Value))).ToList()));
        return true;
    }

    private FaultKind Pick(double draw)
    {
        var total = Weights.Values.Sum();
        var at = draw * total;
        foreach (var (kind, weight) in Weights.OrderBy(w => w.Key))
        {
            if (at < weight) return kind;
            at -= weight;
        }
        return Weights.Keys.Max();
    }

    /// <summary>A reply to write: status, body, content type and other headers.</summary>
    public sealed record Reply(HttpStatusCode Status, byte[] Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers);

    /// <summary>
    /// Throttling as each service answers it (botocore models and _retry.json): JSON protocols a 400 with <c>__type</c>
    /// (DynamoDB alternates ProvisionedThroughputExceededException and ThrottlingException; Service Quotas
    /// TooManyRequestsException; EventBridge and Step Functions ThrottlingException; CloudWatch's JSON 1.0, being
    /// awsQueryCompatible, ThrottlingException with <c>x-amzn-query-error: Throttling;Sender</c>); query protocols (SNS,
    /// CloudWatch query) a 400 XML ErrorResponse with Type Sender and Code Throttling.
    /// </summary>
    public static Reply Throttling(string service, bool json, string? contentType, int sequence)
    {
        if (!json) return QueryError(service, "Throttling", "Rate exceeded", HttpStatusCode.BadRequest, "Sender");
        var (type, headers) = service switch
        {
            "dynamodb" => (sequence % 2 == 0 ? "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException" : "com.amazonaws.dynamodb.v20120810#ThrottlingException", NoHeaders),
            "servicequotas" => ("TooManyRequestsException", NoHeaders),
            "monitoring" => ("com.amazonaws.cloudwatch#ThrottlingException", [KeyValuePair.Create("x-amzn-query-error", "Throttling;Sender")]),
            _ => ("ThrottlingException", NoHeaders),
        };
        var message = service == "dynamodb" && type.EndsWith("ProvisionedThroughputExceededException", StringComparison.Ordinal)
            ? "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."
            : "Rate exceeded";
        return JsonError(type, message, HttpStatusCode.BadRequest, contentType, headers);
    }

    /// <summary>500 and 503 in the service's shape: DynamoDB InternalServerError, others InternalFailure / ServiceUnavailable.</summary>
    public static Reply ServerFault(string service, bool json, string? contentType, HttpStatusCode status)
    {
        var code = status == HttpStatusCode.ServiceUnavailable ? "ServiceUnavailable"
            : service == "dynamodb" ? "com.amazonaws.dynamodb.v20120810#InternalServerError" : "InternalFailure";
        var message = status == HttpStatusCode.ServiceUnavailable ? "Service Unavailable" : "The request processing has failed because of an unknown error, exception or failure.";
        return json ? JsonError(code, message, status, contentType, NoHeaders) : QueryError(service, code, message, status, "Receiver");
    }

    private static readonly IReadOnlyList<KeyValuePair<string, string>> NoHeaders = [];

    private static Reply JsonError(string type, string message, HttpStatusCode status, string? contentType, IReadOnlyList<KeyValuePair<string, string>> headers) =>
        new(status, Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message })),
            contentType ?? "application/x-amz-json-1.0", [.. headers, KeyValuePair.Create("x-amzn-RequestId", Guid.NewGuid().ToString())]);

    private static Reply QueryError(string service, string code, string message, HttpStatusCode status, string type) =>
        new(status, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"<ErrorResponse xmlns=\"{(service == "monitoring" ? "http://monitoring.amazonaws.com/doc/2010-08-01/" : "http://sns.amazonaws.com/doc/2010-03-31/")}\"><Error><Type>{type}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>")),
            "text/xml", []);

    private async Task WriteAsync(NetworkStream stream, Reply reply)
    {
        var head = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {(int)reply.Status} {reply.Status}\r\n"));
        if (reply.ContentType is not null) head.Append("Content-Type: ").Append(reply.ContentType).Append("\r\n");
        foreach (var (name, value) in reply.Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
        await stream.WriteAsync(reply.Body, _stop.Token);
    }

    [GeneratedRegex(@"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/")]
    private static partial Regex Scope();

    [GeneratedRegex(@"(?:^|&)Action=([A-Za-z]+)")]
    private static partial Regex QueryAction();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // the accept loop ends with the listener
        }
        _upstream.Dispose();
        _stop.Dispose();
        _oneDynamoCallAtATime.Dispose();
    }
}
