using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// The innermost handler of a call-count benchmark: names every request by its signing service and operation
/// (<c>eks:ListClusters</c>), counts it, answers it from <see cref="WireFakes.All"/> when a fake is registered for it,
/// and sends everything else on (to moto_server). The operation comes from <c>X-Amz-Target</c> (JSON protocols), the
/// form's <c>Action</c> (query protocol), or, for REST protocols, the botocore model's HTTP method and request URI.
/// </summary>
public sealed partial class CountingTransport(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>Calls so far, by <c>service:Operation</c>.</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls.ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

    public void Reset() => _calls.Clear();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (service, operation) = await NameAsync(request, cancellationToken);
        _calls.AddOrUpdate($"{service}:{operation}", 1, (_, n) => n + 1);
        return WireFakes.All.TryGetValue((service, operation), out var fake) ? fake(request) : await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The request's signing service (from its SigV4 credential scope) and operation.</summary>
    public static async Task<(string Service, string Operation)> NameAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = CredentialScope().Match(request.Headers.TryGetValues("Authorization", out var authorization) ? authorization.First() : "");
        var service = scope.Success ? scope.Groups["service"].Value : "unsigned";
        if (request.Headers.TryGetValues("X-Amz-Target", out var targets)) return (service, targets.Single().Split('.')[^1]);
        if (request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded")
        {
            var form = await request.Content.ReadAsStringAsync(ct);
            var action = form.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "Action");
            if (action is [_, var name]) return (service, Uri.UnescapeDataString(name));
        }
        return (service, RestOperation(service, request.Method.Method, request.RequestUri!));
    }

    private static readonly ConcurrentDictionary<string, BotocoreModel?> Models = new(StringComparer.Ordinal);

    /// <summary>
    /// The REST operation whose <c>http.method</c> and <c>requestUri</c> template fit: literal path segments equal,
    /// <c>{Label}</c> any one segment, <c>{Label+}</c> the rest, and the template's query keys present; the most literal fit wins.
    /// </summary>
    private static string RestOperation(string service, string method, Uri uri)
    {
        var model = Models.GetOrAdd(service, s =>
        {
            try { return BotocoreModel.Load(s); }
            catch (DirectoryNotFoundException) { return null; }
        });
        var path = uri.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => Uri.UnescapeDataString(p.Split('=')[0])).ToHashSet(StringComparer.Ordinal);
        var best = (Name: $"{method} {uri.AbsolutePath}", Score: -1);
        foreach (var op in model?.Operations.EnumerateObject() ?? Enumerable.Empty<System.Text.Json.JsonProperty>())
        {
            var http = op.Value.GetProperty("http");
            if (http.GetProperty("method").GetString() != method) continue;
            var template = http.GetProperty("requestUri").GetString()!.Split('?', 2);
            var segments = template[0].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            var keys = template.Length > 1 ? template[1].Split('&').Select(p => p.Split('=')[0]).ToList() : [];
            if (!keys.All(query.Contains) || Fit(segments, path) is not { } literal) continue;
            var score = literal * 10 + keys.Count;
            if (score > best.Score) best = (op.Name, score);
        }
        return best.Name;
    }

    /// <summary>How many literal segments a template matched, or null when it does not fit the path.</summary>
    private static int? Fit(string[] template, string[] path)
    {
        var literal = 0;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i].EndsWith("+}", StringComparison.Ordinal)) return i < path.Length ? literal : null;
            if (i >= path.Length) return null;
            if (template[i].StartsWith('{')) continue;
            if (template[i] != path[i]) return null;
            literal++;
        }
        return template.Length == path.Length ? literal : null;
    }

    [GeneratedRegex(@"Credential=[^/]+/\d{8}/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request")]
    private static partial Regex CredentialScope();
}
