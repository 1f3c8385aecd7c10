namespace QuotaAutomation.Core.Ports;

/// <summary>
/// Makes and checks the HMAC of approval links with a key the function never holds in clear (a KMS HMAC_256 key on
/// AWS; a key kept in the database on the embedded backend).
/// </summary>
public interface ILinkSigner
{
    /// <returns>The MAC, base64.</returns>
    Task<string> SignAsync(string message, CancellationToken ct);

    /// <returns>False when <paramref name="mac"/> is not the MAC of <paramref name="message"/>.</returns>
    Task<bool> VerifyAsync(string message, string mac, CancellationToken ct);
}

/// <summary>What the approval door keeps beside the approvals: the waiting workflow's task token, and spent link nonces.</summary>
public interface IApprovalDoorState
{
    /// <summary>Keeps the task token the approval workflow waits on, so decisions never need it in a message or a link.</summary>
    Task SaveTaskTokenAsync(string approvalId, string taskToken, DateTimeOffset expires, CancellationToken ct);

    /// <returns>Null when the approval has no waiting workflow.</returns>
    Task<string?> FindTaskTokenAsync(string approvalId, CancellationToken ct);

    /// <summary>Marks a link nonce used, on the condition that it was not (a conditional write).</summary>
    /// <returns>False when the nonce was already used: the link is spent.</returns>
    Task<bool> TryUseNonceAsync(string nonce, string approvalId, DateTimeOffset expires, CancellationToken ct);
}
