using System.Net;
using System.Text;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>What a request carried, copied before the sender disposes it.</summary>
public sealed record SeenRequest(string Uri, string? Target, string? ContentType, string Authorization, string Body);

/// <summary>Answers requests from a script (one reply per attempt) and records them, headers and body.</summary>
public sealed class ScriptedHandler(params Func<HttpResponseMessage>[] replies) : HttpMessageHandler
{
    private int _next;

    public List<SeenRequest> Seen { get; } = [];

    /// <summary>Answered when the script has run out.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage> Otherwise { get; init; } = _ => Json("{}");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Seen)
            Seen.Add(new SeenRequest(request.RequestUri!.ToString(),
                request.Headers.TryGetValues("X-Amz-Target", out var target) ? target.Single() : null,
                request.Content?.Headers.ContentType?.ToString(), request.Headers.TryGetValues("Authorization", out var auth) ? auth.Single() : "", body));
        var next = Interlocked.Increment(ref _next) - 1;
        var reply = next < replies.Length ? replies[next]() : Otherwise(request);
        if (reply.Headers.TryGetValues(HangHeader, out var hang)) // like a socket, a slow reply gives way to cancellation
            await Task.Delay(TimeSpan.FromMilliseconds(double.Parse(hang.Single(), System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);
        return reply;
    }

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1") };

    public static HttpResponseMessage Text(string body, HttpStatusCode status, string mediaType = "text/html") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    /// <summary>A reply that never comes (until the attempt's timeout cancels it).</summary>
    public static Func<HttpResponseMessage> Hang(TimeSpan time) => () =>
    {
        var reply = Json("{}");
        reply.Headers.Add(HangHeader, time.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return reply;
    };

    private const string HangHeader = "x-test-hang-ms";
}
