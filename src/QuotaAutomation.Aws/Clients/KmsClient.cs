namespace QuotaAutomation.Aws.Clients;

// KMS over JSON 1.1 (botocore kms 2014-11-01; PascalCase members; blobs as base64), named as in AWSSDK.KeyManagementService.

public sealed record GenerateMacRequest(string KeyId, byte[] Message, string MacAlgorithm);

public sealed record GenerateMacResponse(byte[]? Mac, string? MacAlgorithm, string? KeyId);

public sealed record VerifyMacRequest(string KeyId, byte[] Message, string MacAlgorithm, byte[] Mac);

public sealed record VerifyMacResponse(bool MacValid, string? MacAlgorithm, string? KeyId);

/// <summary>AWS KMS (<c>TrentService</c>, signing name <c>kms</c>): the HMAC operations of an HMAC_256 key, whose key material never leaves KMS.</summary>
public sealed class KmsClient(AwsClientOptions options) : AwsJsonClient(new AwsTransport(options, "kms", "kms"), "1.1", "TrentService", AwsJson.Pascal)
{
    /// <summary>The error KMS answers to VerifyMac when the MAC is not the message's (HTTP 400), rather than <c>MacValid: false</c>.</summary>
    public const string InvalidMac = "KMSInvalidMacException";

    public Task<GenerateMacResponse> GenerateMacAsync(GenerateMacRequest request, CancellationToken ct) =>
        CallAsync<GenerateMacResponse>("GenerateMac", request, ct);

    public Task<VerifyMacResponse> VerifyMacAsync(VerifyMacRequest request, CancellationToken ct) =>
        CallAsync<VerifyMacResponse>("VerifyMac", request, ct);
}
