using Amazon;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Credentials of a role in a member account, from STS AssumeRole with the engine's own credentials, refreshed
/// before they expire. Unlike the SDK's AssumeRoleAWSCredentials it honours the endpoint override, so emulators work,
/// and the clients' transport (<paramref name="transport"/>), so tests see and fake STS at the wire.
/// </summary>
public sealed class MemberAccountCredentials(AWSCredentials source, string roleArn, RegionEndpoint region, Uri? endpointUrl, HttpMessageHandler? transport = null) : RefreshingAWSCredentials
{
    public string RoleArn => roleArn;

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        GenerateNewCredentialsAsync().GetAwaiter().GetResult(); // the SDK's synchronous path; the engine uses the async one

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        var config = new AmazonSecurityTokenServiceConfig();
        if (endpointUrl is not null)
        {
            config.ServiceURL = endpointUrl.ToString();
            config.AuthenticationRegion = region.SystemName;
        }
        else
        {
            config.RegionEndpoint = region;
        }
        if (transport is not null) config.HttpClientFactory = new FixedHttpClientFactory(transport);
        using var sts = new AmazonSecurityTokenServiceClient(source, config);
        var reply = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "quota-automation", DurationSeconds = 3600 });
        var c = reply.Credentials;
        return new CredentialsRefreshState(new ImmutableCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken), c.Expiration?.ToUniversalTime() ?? DateTime.MinValue);
    }
}
