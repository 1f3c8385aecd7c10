using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Lambda;

/// <summary>An HTTP request through the function's URL (Lambda Function URL payload 2.0), the parts the approval page uses.</summary>
public sealed record HttpRequest(string EventId, string Method, string Path, IReadOnlyDictionary<string, string> Query, string Body) : Invocation(EventId)
{
    public override string Kind => "approval_link";

    /// <summary>The SigV4-verified caller (Function URL with AWS_IAM auth); null for an anonymous request.</summary>
    public IamCaller? Caller { get; init; }

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

/// <summary>
/// Sends an approver's decision to the waiting approval (Step Functions with the stored task token on AWS; the store
/// when embedded). <paramref name="decidedBy"/> is a verified identity or says plainly that it is a claim.
/// </summary>
public delegate Task ApprovalDecider(ApprovalRequest approval, bool approve, string decidedBy, string? comment, string via, CancellationToken ct);

/// <summary>
/// Who may pass the approval door, and what it keeps. <see cref="Approvers"/> are ARN patterns (<c>QA_APPROVERS</c>);
/// <see cref="Signer"/> set means signed links are on (<c>QA_APPROVAL_LINKS=signed</c>) and <see cref="LinkBase"/> is the
/// approval function's URL they point at.
/// </summary>
public sealed record ApprovalDoor(IReadOnlyList<string> Approvers, IApprovalDoorState State, ILinkSigner? Signer = null, Uri? LinkBase = null)
{
    /// <summary>Link nonces: 128 random bits (tests pass a seeded source).</summary>
    public Func<string> NewNonce { get; init; } = () => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

/// <summary>
/// <c>/approvals/{id}</c>, safe by default. A caller is either the SigV4-signed IAM identity Lambda puts in the event
/// (Function URL with AWS_IAM), checked against the approver allow-list (the rule's <c>approvers</c>, else
/// <c>QA_APPROVERS</c>; neither: nobody), or, only when signed links are on, the holder of an unexpired link whose HMAC
/// verifies and whose nonce is unspent. Anyone else gets one refusal page that says nothing about the approval, not
/// even whether it exists; the refusal is audited with the caller and the reason. GET changes nothing (mail scanners
/// open links); only POST decides.
/// </summary>
internal static class ApprovalPage
{
    private const string Prefix = "/approvals/";

    public static async Task<JsonObject> HandleAsync(HttpRequest request, LambdaServices services, CancellationToken ct)
    {
        var door = services.Door;
        var now = services.Time.GetUtcNow();
        var id = request.Path.StartsWith(Prefix, StringComparison.Ordinal) ? Uri.UnescapeDataString(request.Path[Prefix.Length..].TrimEnd('/')) : "";
        var who = request.Caller?.UserArn ?? "an anonymous caller";
        if (id.Length == 0 || id.Length > 128) return await RefuseAsync(services, request, null, $"{who}: {request.Method} {request.Path} is not an approval");
        if (door is null) return await RefuseAsync(services, request, null, $"{who}: approval {id}: this function has no approval door configured");
        if (request.Method is not ("GET" or "POST")) return await RefuseAsync(services, request, null, $"{who}: approval {id}: {request.Method} is not used here");
        var form = request.Method == "POST" ? ParseForm(request.Body) : new Dictionary<string, string>(StringComparer.Ordinal);
        string? Field(string name) => request.Method == "POST" ? form.GetValueOrDefault(name) : request.Query.GetValueOrDefault(name);

        if (request.Caller is { } caller) return await AsApproverAsync(request, services, door, caller, id, form, ct);
        if (door.Signer is null) return await RefuseAsync(services, request, null, $"{who}: approval {id}: no IAM identity (the Function URL needs AWS_IAM auth) and signed links are off");
        var link = SignedLink.From(id, Field);
        if (link is null) return await RefuseAsync(services, request, null, $"{who}: approval {id}: no IAM identity and no well-formed signed link");
        if (now >= link.Expires) return await RefuseAsync(services, request, null, $"{who}: approval {id}: the {link.Action} link expired at {link.Expires:u}");
        if (!await door.Signer.VerifyAsync(link.Message, link.Mac, ct))
            return await RefuseAsync(services, request, null, $"{who}: approval {id}: the {link.Action} link's signature does not verify (forged or altered)");
        return await AsLinkHolderAsync(request, services, door, link, form, ct);
    }

    private static async Task<JsonObject> AsApproverAsync(HttpRequest request, LambdaServices services, ApprovalDoor door, IamCaller caller, string id,
        Dictionary<string, string> form, CancellationToken ct)
    {
        var approval = await services.FindApproval(id, ct);
        if (approval is null) return await RefuseAsync(services, request, null, $"{caller.UserArn}: approval {id} does not exist");
        var check = ApproverAllowList.Check(caller.UserArn, door.Approvers, await RuleApproversAsync(services, approval.RuleId, ct), approval.RuleId, approval.Id);
        if (!check.Allowed) return await RefuseAsync(services, request, approval, $"{caller.UserArn} refused: {check.Reason}");
        if (approval.Status != ApprovalStatus.Waiting) return AlreadyDecided(approval);
        if (request.Method == "GET") return Page(HttpStatusCode.OK, $"Approve {approval.Quota}?", Summary(approval), Form(request.Path, [], name: false));

        var action = form.GetValueOrDefault("action");
        if (action is not ("approve" or "deny")) return Page(HttpStatusCode.BadRequest, "Choose", "action must be approve or deny.");
        return await DecideAsync(services, approval, action == "approve", caller.UserArn, form.GetValueOrDefault("comment"), "function_url_iam", $"{check.Reason}", ct);
    }

    private static async Task<JsonObject> AsLinkHolderAsync(HttpRequest request, LambdaServices services, ApprovalDoor door, SignedLink link,
        Dictionary<string, string> form, CancellationToken ct)
    {
        var approval = await services.FindApproval(link.ApprovalId, ct);
        if (approval is null) return await RefuseAsync(services, request, null, $"signed link: approval {link.ApprovalId} does not exist");
        if (approval.Status != ApprovalStatus.Waiting) return AlreadyDecided(approval);
        var approve = link.Action == "approve";
        if (request.Method == "GET")
        {
            var hidden = new[] { ("action", link.Action), ("exp", link.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), ("nonce", link.Nonce), ("sig", link.Mac) };
            return Page(HttpStatusCode.OK, $"{(approve ? "Approve" : "Deny")} {approval.Quota}?", Summary(approval), Form(request.Path, hidden, name: true, only: link.Action));
        }
        if (!await door.State.TryUseNonceAsync(link.Nonce, link.ApprovalId, link.Expires, ct))
            return await RefuseAsync(services, request, approval, $"signed {link.Action} link for approval {link.ApprovalId} was already used (nonce {link.Nonce})");
        var claimed = form.GetValueOrDefault("by")?.Trim();
        var who = $"holder of a signed {link.Action} link" + (string.IsNullOrEmpty(claimed) ? "" : $" (name given, not verified: {claimed})");
        return await DecideAsync(services, approval, approve, who, form.GetValueOrDefault("comment"), "signed_link", $"link nonce {link.Nonce} spent", ct);
    }

    private static async Task<JsonObject> DecideAsync(LambdaServices services, ApprovalRequest approval, bool approve, string who, string? comment, string via, string why, CancellationToken ct)
    {
        if (services.Decide is null) return Page(HttpStatusCode.ServiceUnavailable, "Unavailable", "This function cannot send decisions.");
        if (approve)
        {
            // A chain of approvers counts signed callers only: a link's holder is no one in particular.
            var step = await Core.Approvals.ApprovalChainGate.ApproveAsync(services.Ports.Approvals, services.Ports.Audit, services.Time, approval, who, who, identified: via != "signed_link", via, ct);
            switch (step)
            {
                case Core.Approvals.ChainStep.Recorded recorded:
                    return Page(HttpStatusCode.OK, "Recorded", $"Your approval is recorded ({recorded.Progress}): {recorded.StillWanted} must approve before anything is filed.");
                case Core.Approvals.ChainStep.Refused refused:
                    return Page(HttpStatusCode.Forbidden, "Not counted", refused.Reason);
                case Core.Approvals.ChainStep.Complete complete:
                    who = complete.DecidedBy;
                    break;
            }
        }
        try
        {
            await services.Decide(approval, approve, who, comment, via, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The caller is an approver (or holds a valid link), so say it did not go through; the details go to the audit only.
            services.Log.Error("approval decision not sent", ("approval_id", approval.Id), ("error", e.Message));
            await services.Ports.Audit.AppendAsync(new AuditRecord($"{approval.Id}/door/{services.Time.GetUtcNow().ToUnixTimeMilliseconds()}", approval.Id, services.Time.GetUtcNow(),
                AuditKind.Error, approval.RuleId, approval.Quota, "approval_not_sent", $"approval {approval.Id}: {(approve ? "approve" : "deny")} by {who} via {via} was not sent: {e.Message}"), CancellationToken.None);
            return Page(HttpStatusCode.Conflict, "Not sent", "The decision could not be sent: the approval may have just been decided or expired, or has no waiting workflow. Nothing was decided.");
        }
        await services.Ports.Audit.AppendAsync(new AuditRecord($"{approval.Id}/door/{services.Time.GetUtcNow().ToUnixTimeMilliseconds()}", approval.Id, services.Time.GetUtcNow(),
            AuditKind.StatusChange, approval.RuleId, approval.Quota, approve ? "approval_sent" : "denial_sent", $"approval {approval.Id}: {(approve ? "approve" : "deny")} sent by {who} via {via} ({why})"), ct);
        return Page(HttpStatusCode.OK, approve ? "Approved" : "Denied",
            $"{(approve ? "Approved" : "Denied")} by {who}: {approval.Quota} {Num(approval.CurrentValue)} → {Num(approval.DesiredValue)}.");
    }

    /// <summary>One answer for every refusal, so a caller learns nothing; the audit gets the real reason and the caller.</summary>
    private static async Task<JsonObject> RefuseAsync(LambdaServices services, HttpRequest request, ApprovalRequest? approval, string reason)
    {
        var now = services.Time.GetUtcNow();
        services.Log.Error("approval door refused a request", ("event_id", request.EventId), ("reason", reason));
        try
        {
            await services.Ports.Audit.AppendAsync(new AuditRecord($"{request.EventId}/refused", request.EventId, now, AuditKind.Error, approval?.RuleId ?? "-", approval?.Quota,
                "approval_refused", reason), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            services.Log.Error("audit write failed for a refused approval request", ("error", e.Message));
        }
        return Page(HttpStatusCode.Forbidden, "Not available", "This approval cannot be shown or decided with this request. Use the link or the command from the approval message as it was sent.");
    }

    private static async Task<IReadOnlyList<string>?> RuleApproversAsync(LambdaServices services, string ruleId, CancellationToken ct)
    {
        foreach (var raw in await services.Ports.Rules.LoadRulesAsync(ct))
            // An expanded wildcard's approval names the expansion: its approvers are the wildcard rule's, never the global list instead.
            if (RuleParser.NameOf(raw) == WildcardRules.SourceRuleId(ruleId) && RuleParser.Parse(raw) is { Success: true } parsed) return parsed.Value.Approvers;
        return null;
    }

    private static JsonObject AlreadyDecided(ApprovalRequest approval) =>
        Page(HttpStatusCode.Conflict, "Already decided", $"Approval {approval.Id} is {approval.Status}: nothing to do.");

    private static Dictionary<string, string> ParseForm(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)))
            form.TryAdd(Uri.UnescapeDataString(pair[0].Replace('+', ' ')), pair.Length > 1 ? Uri.UnescapeDataString(pair[1].Replace('+', ' ')) : "");
        return form;
    }

    private static string Summary(ApprovalRequest a) =>
        $"{a.Quota}: {Num(a.CurrentValue)} → {Num(a.DesiredValue)}, estimated ${Num(a.EstimatedMonthlyCost)} a month. {a.Reason}"
        + (ApprovalChain.Describe(a) is { } chain ? $" It {chain}." : "");

    private static string Form(string path, IEnumerable<(string Name, string Value)> hidden, bool name, string? only = null)
    {
        var fields = string.Concat(hidden.Select(h => $"""<input type="hidden" name="{WebUtility.HtmlEncode(h.Name)}" value="{WebUtility.HtmlEncode(h.Value)}">"""));
        var buttons = only switch
        {
            "approve" => """<button name="confirm" value="yes">Confirm: approve</button>""",
            "deny" => """<button name="confirm" value="yes">Confirm: deny</button>""",
            _ => """<button name="action" value="approve">Approve</button> <button name="action" value="deny">Deny</button>""",
        };
        var nameField = name ? """<p><label>Your name (recorded as given, not verified) <input name="by"></label></p>""" : "";
        return $"""
            <form method="post" action="{WebUtility.HtmlEncode(path)}">
              {fields}
              {nameField}
              <p><label>Comment <input name="comment"></label></p>
              <p>{buttons}</p>
            </form>
            """;
    }

    private static string Num(double v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);

    private static JsonObject Page(HttpStatusCode status, string title, string text, string extra = "") => new()
    {
        ["statusCode"] = (int)status,
        ["headers"] = new JsonObject { ["content-type"] = "text/html; charset=utf-8", ["cache-control"] = "no-store", ["x-robots-tag"] = "noindex", ["referrer-policy"] = "no-referrer" },
        ["body"] = $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head><body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>{extra}</body></html>",
    };
}
