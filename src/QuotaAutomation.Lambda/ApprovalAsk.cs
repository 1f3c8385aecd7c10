using System.Globalization;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Lambda;

/// <summary>
/// The workflow's <c>ask</c> task (terraform/approval.asl.json, <c>lambda:invoke.waitForTaskToken</c>): keep the task
/// token in the state table, where only the approval function reads it, and tell the approvers how to decide: the CLI
/// (identity from STS), a SigV4-signed POST to the approval URL, and, only when turned on, signed single-use links.
/// The token itself is never in a message, a link or a log.
/// </summary>
internal static class ApprovalAsk
{
    public static async Task<JsonObject> AskAsync(ApprovalTask task, LambdaServices services, CancellationToken ct)
    {
        var door = services.Door ?? throw new InvalidOperationException("the approval door is not configured (QA_APPROVERS, QA_APPROVAL_LINKS)");
        var approval = await services.FindApproval(task.ApprovalId, ct) ?? throw new InvalidOperationException($"approval_id '{task.ApprovalId}' does not exist");
        var expires = approval.CreatedAt + services.EngineOptions.ApprovalTimeout;
        await door.State.SaveTaskTokenAsync(approval.Id, task.TaskToken!, expires, ct); // the parser requires it for ask

        var lines = new List<string>
        {
            $"Approval {approval.Id} for {approval.Quota}: {Num(approval.CurrentValue)} to {Num(approval.DesiredValue)} (est. USD {Num(approval.EstimatedMonthlyCost)} a month). {approval.Reason}",
            "Decide with your AWS identity (it must match the approver allow-list):",
            services.EngineOptions.HowToDecide(approval.Id),
        };
        if (door.LinkBase is { } url)
            lines.Add($"or a SigV4-signed POST (service lambda) to {new Uri(url, $"approvals/{approval.Id}")} with action=approve or action=deny");
        if (door.Signer is { } signer && door.LinkBase is { } linkBase)
        {
            var nonce = door.NewNonce();
            foreach (var action in new[] { "approve", "deny" })
            {
                var mac = await signer.SignAsync(SignedLink.MessageFor(approval.Id, action, expires, nonce), ct);
                var link = new SignedLink(approval.Id, action, expires, nonce, mac);
                lines.Add($"{(action == "approve" ? "Approve" : "Deny")} without AWS credentials (one use, until {expires.ToString("u", CultureInfo.InvariantCulture)}): {new Uri(linkBase, $"approvals/{approval.Id}")}?{link.Query()}");
            }
        }
        var message = await services.Ports.Notifier.PublishAsync(new Notification(NotificationTopics.Approvals, $"Approval wanted: {approval.Quota}",
            string.Join("\n", lines), approval.RuleId, approval.Quota, approval.Severity), ct);
        return new JsonObject { ["status"] = "asked", ["approval_id"] = approval.Id, ["message"] = message, ["links"] = door.Signer is not null };
    }

    private static string Num(double v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);
}
