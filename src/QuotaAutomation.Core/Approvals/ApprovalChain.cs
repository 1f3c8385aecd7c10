using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Approvals;

/// <summary>What one person's approval does to an approval that needs several (issue 17).</summary>
public abstract record ChainStep
{
    /// <summary>The approval is complete: send or store the decision as before, decided by <paramref name="DecidedBy"/>.</summary>
    public sealed record Complete(string DecidedBy) : ChainStep;

    /// <summary>
    /// One more approval recorded; <paramref name="Remaining"/> distinct approvers still needed, among them one from each
    /// of <paramref name="WaitingGroups"/>.
    /// </summary>
    public sealed record Recorded(ApprovalRequest Updated, int Remaining, IReadOnlyList<string> WaitingGroups) : ChainStep
    {
        /// <summary>Who is still wanted, as people read it: "1 more approver (from finance)".</summary>
        public string StillWanted => $"{Remaining} more approver{(Remaining == 1 ? "" : "s")}"
            + (WaitingGroups.Count == 0 ? "" : $" ({ApproverGroup.FromEach(WaitingGroups)})");

        /// <summary>How far the chain is: "1 of 2".</summary>
        public string Progress => $"{Updated.Approvers.Count} of {Updated.Approvers.Count + Remaining}";
    }

    /// <summary>This approval does not count: the reason says why.</summary>
    public sealed record Refused(string Reason) : ChainStep;
}

/// <summary>
/// Approvals that need several distinct people (a policy's <c>approvers_required</c>, or one from each of its
/// <c>approver_groups</c>), pure. Who an approver is comes
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
        var groups = approval.ApproverGroups;
        var required = Math.Max(approval.RequiredApprovers, groups.Count);
        if (required <= 1 && groups.Count == 0) return new ChainStep.Complete(shown);
        if (!identified)
            return new ChainStep.Refused($"approval {approval.Id} needs {required} approvers identified by their signed AWS identity; a signed link names no one");
        var principal = PrincipalOf(verified);
        if (approval.Approvers.FirstOrDefault(a => PrincipalOf(Verified(a)) == principal) is { } earlier)
            return new ChainStep.Refused($"approval {approval.Id} was already approved by {earlier}: another person must approve ({approval.Approvers.Count} of {required})");
        IReadOnlyList<string> approvers = [.. approval.Approvers, shown];
        var (covered, waiting) = Cover(groups, [.. approvers.Select(Verified)]);
        if (required - approvers.Count < groups.Count - covered)
            return new ChainStep.Refused($"approval {approval.Id}: {verified} is in none of the groups still waiting for an approver ({string.Join(", ", Cover(groups, [.. approval.Approvers.Select(Verified)]).Waiting)})");
        var remaining = Math.Max(required - approvers.Count, groups.Count - covered);
        return remaining > 0
            ? new ChainStep.Recorded(approval with { Approvers = approvers }, remaining, waiting)
            : new ChainStep.Complete(string.Join(" and ", approvers));
    }

    /// <summary>
    /// Who an approval still needs, as people read it ("needs 2 different approvers, one from each of security, finance;
    /// approved so far by alice"); null when one approver decides it.
    /// </summary>
    public static string? Describe(ApprovalRequest approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var groups = approval.ApproverGroups;
        if (approval.RequiredApprovers <= 1 && groups.Count == 0) return null;
        var waiting = Cover(groups, [.. approval.Approvers.Select(Verified)]).Waiting;
        return $"needs {Math.Max(approval.RequiredApprovers, groups.Count)} different approvers"
            + (groups.Count == 0 ? "" : $", {ApproverGroup.FromEach(groups.Select(g => g.Name))}")
            + $"; approved so far by {(approval.Approvers.Count == 0 ? "no one" : string.Join(", ", approval.Approvers))}"
            + (waiting.Count == 0 || approval.Approvers.Count == 0 ? "" : $"; still waiting for {string.Join(", ", waiting)}");
    }

    /// <summary>
    /// How many of <paramref name="groups"/> the approvers can fill, one group each (a person in two groups fills one):
    /// a maximum bipartite matching (augmenting paths; at most five of each), and the groups it leaves waiting.
    /// </summary>
    public static (int Covered, IReadOnlyList<string> Waiting) Cover(IReadOnlyList<ApproverGroup> groups, IReadOnlyList<string> verified)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(verified);
        var holder = new int[groups.Count];
        Array.Fill(holder, -1);
        for (var approver = 0; approver < verified.Count; approver++) Assign(approver, new bool[groups.Count]);
        return (holder.Count(h => h >= 0), [.. groups.Where((_, g) => holder[g] < 0).Select(g => g.Name)]);

        bool Assign(int approver, bool[] tried)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                if (tried[g] || !groups[g].Includes(verified[approver])) continue;
                tried[g] = true;
                if (holder[g] >= 0 && !Assign(holder[g], tried)) continue;
                holder[g] = approver;
                return true;
            }
            return false;
        }
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
