using System.Globalization;

namespace QuotaAutomation.Core.Approvals;

/// <summary>
/// An approval link for people without AWS credentials: it names one approval and one action, expires, and carries a
/// nonce that can be used once. <see cref="Mac"/> is HMAC-SHA256 over <see cref="Message"/>, made and checked by a
/// key that never leaves KMS (or, embedded, the database); nothing in the link is a credential by itself.
/// </summary>
public sealed record SignedLink(string ApprovalId, string Action, DateTimeOffset Expires, string Nonce, string Mac)
{
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal) { "approve", "deny" };

    /// <summary>The signed text: a version, then each field on its own line (no field may hold a newline).</summary>
    public string Message => MessageFor(ApprovalId, Action, Expires, Nonce);

    public static string MessageFor(string approvalId, string action, DateTimeOffset expires, string nonce) =>
        string.Create(CultureInfo.InvariantCulture, $"quota-automation-link-v1\n{approvalId}\n{action}\n{expires.ToUnixTimeSeconds()}\n{nonce}");

    /// <summary>The link's query string (<c>action, exp, nonce, sig</c>), URL-encoded.</summary>
    public string Query() => string.Create(CultureInfo.InvariantCulture,
        $"action={Uri.EscapeDataString(Action)}&exp={Expires.ToUnixTimeSeconds()}&nonce={Uri.EscapeDataString(Nonce)}&sig={Uri.EscapeDataString(Mac)}");

    /// <summary>Reads a link's fields; null when any is missing or malformed (the caller answers the same refusal either way).</summary>
    public static SignedLink? From(string approvalId, Func<string, string?> field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var action = field("action");
        var nonce = field("nonce");
        var mac = field("sig");
        if (action is null || !Actions.Contains(action) || string.IsNullOrEmpty(nonce) || nonce.Length > 64 || string.IsNullOrEmpty(mac) || mac.Length > 128
            || approvalId.Contains('\n', StringComparison.Ordinal) || nonce.Contains('\n', StringComparison.Ordinal)
            || !long.TryParse(field("exp"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799)
            return null;
        return new SignedLink(approvalId, action, DateTimeOffset.FromUnixTimeSeconds(seconds), nonce, mac.Replace(' ', '+')); // '+' in a query reads as a space
    }
}
