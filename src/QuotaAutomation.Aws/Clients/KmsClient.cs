namespace QuotaAutomation.Aws.Clients;

// KMS over JSON 1.1 (botocore kms 2014-11-01; PascalCase members; blobs as base64), named as in AWSSDK.KeyManagementService.

public sealed record GenerateMacRequest(string KeyId, byte[] Message, string MacAlgorithm);

public sealed record GenerateMacResponse(byte[]? Mac, string? MacAlgorithm, string? KeyId);

public sealed record VerifyMacRequest(string KeyId, byte[] Message, string MacAlgorithm, byte[] Mac);

public sealed record VerifyMacResponse(bool MacValid, string? MacAlgorithm, string? KeyId);

public sealed record ListKeysRequest(int? Limit = null, string? Marker = null);

public sealed record KeyListEntry(string KeyId, string? KeyArn);

public sealed record ListKeysResponse(IReadOnlyList<KeyListEntry>? Keys, string? NextMarker, bool Truncated);

public sealed record ListAliasesRequest(int? Limit = null, string? Marker = null);

/// <summary>An alias; <paramref name="TargetKeyId"/> is absent for an AWS managed key's alias whose key AWS has not created yet.</summary>
public sealed record AliasListEntry(string AliasName, string? AliasArn, string? TargetKeyId);

public sealed record ListAliasesResponse(IReadOnlyList<AliasListEntry>? Aliases, string? NextMarker, bool Truncated);

/// <summary>
/// AWS KMS (<c>TrentService</c>, signing name <c>kms</c>): the HMAC operations of an HMAC_256 key, whose key material
/// never leaves KMS; and listing keys and aliases, for the customer managed keys quota.
/// </summary>
public sealed class KmsClient(AwsClientOptions options) : AwsJsonClient(new AwsTransport(options, "kms", "kms"), "1.1", "TrentService", AwsJson.Pascal)
{
    /// <summary>The error KMS answers to VerifyMac when the MAC is not the message's (HTTP 400), rather than <c>MacValid: false</c>.</summary>
    public const string InvalidMac = "KMSInvalidMacException";

    public Task<GenerateMacResponse> GenerateMacAsync(GenerateMacRequest request, CancellationToken ct) =>
        CallAsync<GenerateMacResponse>("GenerateMac", request, ct);

    public Task<VerifyMacResponse> VerifyMacAsync(VerifyMacRequest request, CancellationToken ct) =>
        CallAsync<VerifyMacResponse>("VerifyMac", request, ct);

    /// <summary>The most keys one ListKeys page may hold (API reference: 1 to 1,000).</summary>
    public const int MaxKeysPerPage = 1000;

    /// <summary>The most aliases one ListAliases page may hold (API reference: 1 to 100).</summary>
    public const int MaxAliasesPerPage = 100;

    public Task<ListKeysResponse> ListKeysAsync(ListKeysRequest request, CancellationToken ct) =>
        CallAsync<ListKeysResponse>("ListKeys", request, ct);

    public Task<ListAliasesResponse> ListAliasesAsync(ListAliasesRequest request, CancellationToken ct) =>
        CallAsync<ListAliasesResponse>("ListAliases", request, ct);
}
