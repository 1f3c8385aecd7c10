using System.Text.RegularExpressions;

namespace QuotaAutomation.Core.Quotas;

/// <summary>
/// What counts as an AWS Region name everywhere a Region is typed or read (a rule's targets, a shard, a setting, the
/// CLI): AWS's partition form, <c>us-east-1</c>, <c>us-gov-west-1</c>, <c>us-isob-east-1</c>. One check, so a Region a
/// setting accepts is one a rule accepts.
/// </summary>
public static partial class RegionName
{
    public static bool IsValid(string? text) => text is { Length: <= 32 } && Pattern().IsMatch(text);

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}\z")]
    internal static partial Regex Pattern();
}
