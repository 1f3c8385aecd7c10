namespace QuotaAutomation.Core.Approvals;

/// <summary>Whether a caller may decide an approval, and why (the reason is audited either way).</summary>
public sealed record ApproverCheck(bool Allowed, string Reason);

/// <summary>
/// Who may approve: ARN patterns, as IAM's <c>ArnLike</c> reads them (<c>*</c> any characters, <c>?</c> one; case
/// matters). A rule's own <c>approvers</c> replace the global list (<c>QA_APPROVERS</c>) for that rule. With neither,
/// nobody may approve: the door fails closed and the reason says how to open it.
/// </summary>
public static class ApproverAllowList
{
    public static ApproverCheck Check(string? callerArn, IReadOnlyList<string> global, IReadOnlyList<string>? rule, string ruleId, string approvalId)
    {
        ArgumentNullException.ThrowIfNull(global);
        var (patterns, source) = rule is { Count: > 0 } ? (rule, $"rule '{ruleId}' approvers") : (global, "QA_APPROVERS");
        if (patterns.Count == 0)
            return new ApproverCheck(false, $"approval {approvalId}: no approver is configured, so nobody may decide it: set QA_APPROVERS (Terraform variable approvers) " +
                $"to the ARN patterns of who may approve, e.g. arn:aws:sts::ACCOUNT:assumed-role/QuotaApprovers/*, or give rule '{ruleId}' an approvers attribute");
        if (string.IsNullOrEmpty(callerArn))
            return new ApproverCheck(false, $"approval {approvalId}: the caller has no verified identity");
        var match = patterns.FirstOrDefault(p => Matches(p, callerArn));
        return match is not null
            ? new ApproverCheck(true, $"approval {approvalId}: {callerArn} matches {match} ({source})")
            : new ApproverCheck(false, $"approval {approvalId}: {callerArn} is not an approver ({source})");
    }

    /// <summary>IAM <c>ArnLike</c>: <c>*</c> matches any run of characters (colons too), <c>?</c> exactly one.</summary>
    public static bool Matches(string pattern, string arn)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(arn);
        // Iterative glob match with one backtrack point: linear in practice, no regex built from input.
        int p = 0, a = 0, star = -1, mark = 0;
        while (a < arn.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == arn[a]))
            {
                p++;
                a++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = a;
            }
            else if (star >= 0)
            {
                p = star + 1;
                a = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>Entries as people write them, one or several to a string: comma or whitespace separated.</summary>
    public static IEnumerable<string> Split(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.SelectMany(e => e.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Parses a list of ARN patterns (comma or whitespace separated); problems name each bad entry.</summary>
    public static (IReadOnlyList<string> Patterns, IReadOnlyList<string> Problems) Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var patterns = new List<string>();
        var problems = new List<string>();
        foreach (var entry in Split(entries))
        {
            if (entry.StartsWith("arn:", StringComparison.Ordinal) && entry.Split(':').Length >= 6) patterns.Add(entry);
            else problems.Add($"'{Common.Echo.Of(entry)}' is not an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, * and ? allowed)");
        }
        return (patterns, problems);
    }
}
