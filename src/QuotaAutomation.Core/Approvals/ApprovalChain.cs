using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Approvals;

/// <summary>What one person's approval does to an approval that needs several (issue 17).</summary>
public abstract record ChainStep
{
    /// <summary>The approval is complete: send or store the decision as before, decided by <paramref name="DecidedBy"/>.</summary>
    public sealed record Complete(string DecidedBy) : ChainStep;

    /// <summary>One more approval recorded; <paramref name="Remaining"/> distinct approvers still needed.</summary>
    public sealed record Recorded(ApprovalRequest Updated, int Remaining) : ChainStep;

    /// <summary>This approval does not count: the reason says why.</summary>
    public sealed record Refused(string Reason) : ChainStep;
}

/// <summary>
/// Approvals that need several distinct people (a policy's <c>approvers_required</c>), pure. Who an approver is comes
/// from their verified identity (the signed AWS caller; the OS user on the embedded backend), never from a typed name;
/// a signed link names no one, so it cannot count toward a chain. One person is one principal: an IAM user, an IAM
/// Identity Center user (its role session, which SSO names), or for any other assumed role the role itself, whose
/// session name the caller chooses. A denial needs one person.
/// </summary>
public static class ApprovalChain
{
    public static ChainStep Approve(ApprovalRequest approval, string verified, string shown, bool identified)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (approval.RequiredApprovers <= 1) return new ChainStep.Complete(shown);
        if (!identified)
            return new ChainStep.Refused($"approval {approval.Id} needs {approval.RequiredApprovers} approvers identified by their signed AWS identity; a signed link names no one");
        var principal = PrincipalOf(verified);
        if (approval.Approvers.FirstOrDefault(a => PrincipalOf(Verified(a)) == principal) is { } earlier)
            return new ChainStep.Refused($"approval {approval.Id} was already approved by {earlier}: another person must approve ({approval.Approvers.Count} of {approval.RequiredApprovers})");
        IReadOnlyList<string> approvers = [.. approval.Approvers, shown];
        return approvers.Count < approval.RequiredApprovers
            ? new ChainStep.Recorded(approval with { Approvers = approvers }, approval.RequiredApprovers - approvers.Count)
            : new ChainStep.Complete(string.Join(" and ", approvers));
    }

    /// <summary>
    /// The person behind an identity: an assumed role's session counts only for IAM Identity Center roles
    /// (<c>AWSReservedSSO_…</c>), whose session name is the user's; any other role is one principal whatever its session.
    /// </summary>
    public static string PrincipalOf(string identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var parts = identity.Split(':', 6);
        if (parts is not ["arn", _, "sts", _, _, var resource] || !resource.StartsWith("assumed-role/", StringComparison.Ordinal)) return identity;
        var path = resource.Split('/');
        return path.Length >= 3 && !path[1].StartsWith("AWSReservedSSO_", StringComparison.Ordinal) ? string.Join(':', parts[..5]) + ":assumed-role/" + path[1] : identity;
    }

    /// <summary>The verified identity in what is shown: "NAME (typed by IDENTITY)" shows a typed claim beside it.</summary>
    private static string Verified(string shown) =>
        shown.EndsWith(')') && shown.LastIndexOf(" (typed by ", StringComparison.Ordinal) is var at and >= 0 ? shown[(at + " (typed by ".Length)..^1] : shown;
}
