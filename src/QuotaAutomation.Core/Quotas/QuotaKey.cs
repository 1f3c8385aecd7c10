namespace QuotaAutomation.Core.Quotas;

/// <summary>Identifies one quota in one Region of one account (the account is null for the caller's own).</summary>
public sealed record QuotaKey(string ServiceCode, string QuotaCode, string Region, string? AccountId = null)
{
    /// <summary>The account the key names, or <c>self</c>; used to group AWS's per-account request limits.</summary>
    public string AccountOrSelf => AccountId ?? "self";

    public override string ToString() =>
        AccountId is null ? $"{ServiceCode}/{QuotaCode}@{Region}" : $"{ServiceCode}/{QuotaCode}@{Region}#{AccountId}";
}
