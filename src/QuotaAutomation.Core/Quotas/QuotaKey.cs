namespace QuotaAutomation.Core.Quotas;

/// <summary>Identifies one quota in one Region of one account (the account is null for the caller's own).</summary>
public sealed record QuotaKey(string ServiceCode, string QuotaCode, string Region, string? AccountId = null)
{
    /// <summary>The account the key names, or <c>self</c>; used to group AWS's per-account request limits.</summary>
    public string AccountOrSelf => AccountId ?? "self";

    public override string ToString() =>
        AccountId is null ? $"{ServiceCode}/{QuotaCode}@{Region}" : $"{ServiceCode}/{QuotaCode}@{Region}#{AccountId}";

    /// <summary>Reads <see cref="ToString"/>'s form back (as the audit stores it); null when <paramref name="text"/> is not in it.</summary>
    public static QuotaKey? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var at = text.LastIndexOf('@');
        if (slash <= 0 || at <= slash + 1 || at == text.Length - 1) return null;
        var hash = text.IndexOf('#', at);
        var region = hash < 0 ? text[(at + 1)..] : text[(at + 1)..hash];
        return region.Length == 0 ? null
            : new QuotaKey(text[..slash], text[(slash + 1)..at], region, hash < 0 || hash == text.Length - 1 ? null : text[(hash + 1)..]);
    }
}
