using System.Text;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Approval-link MACs made and checked by a KMS HMAC_256 key (<c>GenerateMac</c> / <c>VerifyMac</c>, HMAC_SHA_256): the
/// key is never in the function's environment or memory, and the approval function can only verify, not sign.
/// </summary>
public sealed class KmsLinkSigner(KmsClient kms, string keyId) : ILinkSigner
{
    private const string Algorithm = "HMAC_SHA_256";

    public async Task<string> SignAsync(string message, CancellationToken ct)
    {
        var reply = await kms.GenerateMacAsync(new GenerateMacRequest(keyId, Encoding.UTF8.GetBytes(message), Algorithm), ct);
        return Convert.ToBase64String(reply.Mac ?? throw new InvalidOperationException($"GenerateMac with key {keyId} answered no Mac"));
    }

    public async Task<bool> VerifyAsync(string message, string mac, CancellationToken ct)
    {
        var bytes = new byte[96];
        if (!Convert.TryFromBase64String(mac, bytes, out var length) || length == 0) return false;
        try
        {
            return (await kms.VerifyMacAsync(new VerifyMacRequest(keyId, Encoding.UTF8.GetBytes(message), Algorithm, bytes[..length]), ct)).MacValid;
        }
        catch (AwsServiceException e) when (e.ErrorCode == KmsClient.InvalidMac)
        {
            return false; // a forged or altered link; every other KMS error propagates, so the door fails closed
        }
    }
}
