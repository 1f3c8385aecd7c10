using System.Text.RegularExpressions;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// The innermost handler of a test's clients: a request whose (signing name, operation) has a reply in
/// <see cref="WireFakes.All"/> is answered there (moto 5.2.1 lacks it), everything else goes to moto. Every call is
/// recorded as <c>service:Operation</c>, for call counts.
/// </summary>
public sealed partial class WireFakeTransport() : DelegatingHandler(new SocketsHttpHandler())
{
    /// <summary>REST operations, which name themselves by method and path only: (signing name, path pattern) → operation.</summary>
    private static readonly IReadOnlyList<(string Service, HttpMethod Method, Regex Path, string Operation)> RestOperations =
    [
        ("route53", HttpMethod.Get, new("^/2013-04-01/accountlimit/[A-Z_]+$"), "GetAccountLimit"),
        ("lambda", HttpMethod.Get, new("^/2016-08-19/account-settings/?$"), "GetAccountSettings"),
    ];

    public List<string> Calls { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (service, region) = Scope(request);
        var operation = await OperationAsync(request, service, cancellationToken);
        lock (Calls) Calls.Add($"{service}:{operation}@{region}");
        return WireFakes.All.TryGetValue((service, operation), out var fake) ? fake(request) : await base.SendAsync(request, cancellationToken);
    }

    /// <summary>The SigV4 credential scope's service and Region (<c>Credential=AKID/20261201/us-east-1/rds/aws4_request</c>).</summary>
    private static (string Service, string Region) Scope(HttpRequestMessage request)
    {
        var match = CredentialScope().Match(request.Headers.TryGetValues("Authorization", out var values) ? string.Join(' ', values) : "");
        return match.Success ? (match.Groups["service"].Value, match.Groups["region"].Value) : ("unsigned", "");
    }

    private static async Task<string> OperationAsync(HttpRequestMessage request, string service, CancellationToken ct)
    {
        if (request.Headers.TryGetValues("X-Amz-Target", out var target)) return target.Single().Split('.')[^1];
        if (request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded")
        {
            var form = await request.Content.ReadAsStringAsync(ct);
            var action = form.Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "Action");
            if (action is [_, var name]) return Uri.UnescapeDataString(name);
        }
        var path = request.RequestUri!.AbsolutePath;
        return RestOperations.FirstOrDefault(r => r.Service == service && r.Method == request.Method && r.Path.IsMatch(path)).Operation ?? $"{request.Method} {path}";
    }

    [GeneratedRegex("Credential=[^/]+/[0-9]{8}/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request")]
    private static partial Regex CredentialScope();
}
