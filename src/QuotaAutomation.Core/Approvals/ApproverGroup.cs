using System.Text.Json;

namespace QuotaAutomation.Core.Approvals;

/// <summary>
/// A named group of approvers (a policy's <c>approver_groups</c>, issue 17): an increase it covers needs one distinct
/// approver from each group. Members are matched on their verified identity, never on a typed name: ARN patterns as
/// IAM's <c>ArnLike</c> reads them (an IAM Identity Center permission set is a role named
/// <c>AWSReservedSSO_SET_…</c>, so <c>arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_Finance_*/*</c> is everyone
/// given the Finance set), or <c>local:USER</c> for the OS user the embedded backend verifies.
/// </summary>
public sealed record ApproverGroup(string Name, IReadOnlyList<string> Patterns)
{
    /// <summary>The prefix of a member pattern that names an embedded backend's OS user.</summary>
    public const string LocalPrefix = "local:";

    /// <summary>True when <paramref name="verified"/> (an STS/IAM ARN, or the embedded backend's OS user) is a member.</summary>
    public bool Includes(string verified)
    {
        ArgumentNullException.ThrowIfNull(verified);
        var isArn = verified.StartsWith("arn:", StringComparison.Ordinal);
        return Patterns.Any(p => p.StartsWith(LocalPrefix, StringComparison.Ordinal)
            ? !isArn && string.Equals(p[LocalPrefix.Length..], verified, StringComparison.Ordinal)
            : isArn && ApproverAllowList.Matches(p, verified));
    }

    /// <summary>Which groups approvers must come from, as people read it: "from finance", "one from each of security, finance".</summary>
    public static string FromEach(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var list = names.ToList();
        return list.Count == 1 ? $"from {list[0]}" : $"one from each of {string.Join(", ", list)}";
    }

    /// <summary>The groups as stored beside an approval (a JSON object of name → patterns, in order); null for none.</summary>
    public static string? ToJson(IReadOnlyList<ApproverGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return groups.Count == 0 ? null : JsonSerializer.Serialize(groups.ToDictionary(g => g.Name, g => g.Patterns));
    }

    /// <summary>The inverse of <see cref="ToJson"/>: what the engine itself stored, so a malformed value is a bug and throws.</summary>
    public static IReadOnlyList<ApproverGroup> FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return [];
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Select(g => new ApproverGroup(g.Name, [.. g.Value.EnumerateArray().Select(p => p.GetString()!)]))];
    }
}
