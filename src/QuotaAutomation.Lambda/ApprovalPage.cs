using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Lambda;

/// <summary>An HTTP request through the function's URL (Lambda Function URL payload 2.0), the parts the approval page uses.</summary>
public sealed record HttpRequest(string EventId, string Method, string Path, IReadOnlyDictionary<string, string> Query, string Body) : Invocation(EventId)
{
    public override string Kind => "approval_link";

    /// <summary>Recognises a Function URL payload; null when the payload is something else.</summary>
    public static HttpRequest? TryParse(JsonElement root)
    {
        if (!root.TryGetProperty("requestContext", out var context) || !context.TryGetProperty("http", out var http) || http.ValueKind != JsonValueKind.Object) return null;
        var method = http.TryGetProperty("method", out var m) ? m.GetString() ?? "" : "";
        var path = root.TryGetProperty("rawPath", out var p) ? p.GetString() ?? "/" : "/";
        var query = root.TryGetProperty("queryStringParameters", out var q) && q.ValueKind == JsonValueKind.Object
            ? q.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var body = root.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() ?? "" : "";
        if (root.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True)
            body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
        var id = context.TryGetProperty("requestId", out var r) ? r.GetString() ?? "http" : "http";
        return new HttpRequest(id, method.ToUpperInvariant(), path, query, body);
    }
}

/// <summary>Sends an approver's decision to the waiting approval (Step Functions on AWS; the store when embedded).</summary>
public delegate Task ApprovalDecider(ApprovalRequest approval, string token, bool approve, string decidedBy, string? comment, CancellationToken ct);

/// <summary>
/// The approval link: <c>GET /approvals/{id}?token=…</c> shows the increase and a form, and changes nothing (mail
/// scanners open links); the form's <c>POST</c> sends the decision with the approver's name. The task token is the
/// secret that makes the link work; it is never logged.
/// </summary>
internal static class ApprovalPage
{
    public static async Task<JsonObject> HandleAsync(HttpRequest request, Func<string, CancellationToken, Task<ApprovalRequest?>> find, ApprovalDecider? decide, CancellationToken ct)
    {
        if (!request.Path.StartsWith("/approvals/", StringComparison.Ordinal) || request.Path.Length <= "/approvals/".Length)
            return Page(HttpStatusCode.NotFound, "Not found", $"There is nothing at {request.Path}.");
        var id = Uri.UnescapeDataString(request.Path["/approvals/".Length..].TrimEnd('/'));
        var form = request.Method == "POST" ? ParseForm(request.Body) : new Dictionary<string, string>(StringComparer.Ordinal);
        // '+' in a query string reads as a space; task tokens have no spaces, so put the pluses back.
        var token = (form.GetValueOrDefault("token") ?? request.Query.GetValueOrDefault("token") ?? "").Replace(' ', '+');
        if (token.Length == 0) return Page(HttpStatusCode.BadRequest, "Missing token", "This link has no token: open the link from the approval message as it is.");
        var approval = await find(id, ct);
        if (approval is null) return Page(HttpStatusCode.NotFound, "No such approval", $"There is no approval '{id}'.");
        if (approval.Status != ApprovalStatus.Waiting)
            return Page(HttpStatusCode.Conflict, "Already decided", $"Approval {id} is {approval.Status}{(approval.DecidedBy is { } by ? $" (by {by})" : "")}: nothing to do.");

        if (request.Method == "GET") return Page(HttpStatusCode.OK, $"Approve {approval.Quota}?", Summary(approval), Form(request.Path, token));
        if (request.Method != "POST") return Page(HttpStatusCode.MethodNotAllowed, "Not allowed", $"{request.Method} is not used here.");

        var action = form.GetValueOrDefault("action");
        var who = form.GetValueOrDefault("by")?.Trim();
        if (action is not ("approve" or "deny")) return Page(HttpStatusCode.BadRequest, "Choose", "action must be approve or deny.");
        if (string.IsNullOrEmpty(who)) return Page(HttpStatusCode.BadRequest, "Your name", "by (your name) is required: the decision is audited with it.");
        if (decide is null) return Page(HttpStatusCode.ServiceUnavailable, "Unavailable", "Approval links need the approval workflow.");
        await decide(approval, token, action == "approve", who, form.GetValueOrDefault("comment"), ct);
        return Page(HttpStatusCode.OK, action == "approve" ? "Approved" : "Denied",
            $"{(action == "approve" ? "Approved" : "Denied")} by {who}: {approval.Quota} {Num(approval.CurrentValue)} → {Num(approval.DesiredValue)}.");
    }

    private static Dictionary<string, string> ParseForm(string body) => body
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);

    private static string Summary(ApprovalRequest a) =>
        $"{a.Quota}: {Num(a.CurrentValue)} → {Num(a.DesiredValue)}, estimated ${Num(a.EstimatedMonthlyCost)} a month. {a.Reason}";

    private static string Form(string path, string token) => $"""
        <form method="post" action="{WebUtility.HtmlEncode(path)}">
          <input type="hidden" name="token" value="{WebUtility.HtmlEncode(token)}">
          <p><label>Your name <input name="by" required></label></p>
          <p><label>Comment <input name="comment"></label></p>
          <p><button name="action" value="approve">Approve</button> <button name="action" value="deny">Deny</button></p>
        </form>
        """;

    private static string Num(double v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);

    private static JsonObject Page(HttpStatusCode status, string title, string text, string extra = "") => new()
    {
        ["statusCode"] = (int)status,
        ["headers"] = new JsonObject { ["content-type"] = "text/html; charset=utf-8", ["cache-control"] = "no-store", ["x-robots-tag"] = "noindex" },
        ["body"] = $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head><body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>{extra}</body></html>",
    };
}
