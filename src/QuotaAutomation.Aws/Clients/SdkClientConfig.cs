using Amazon.Runtime;

namespace QuotaAutomation.Aws.Clients;

/// <summary>
/// Points an AWS SDK client (AWSSDK.DynamoDBv2, S3, EC2, STS) where the thin clients go: the service's endpoint
/// override when one is set (emulators), else its Region; and through <see cref="AwsClientOptions.Transport"/> when
/// given, so tests see and fake the SDK's calls at the wire and a fleet shard's pacing (<see cref="Adapters.AccountRateLimit"/>) applies to them.
/// </summary>
public static class SdkClientConfig
{
    /// <param name="signingName">The service's signing name (<c>dynamodb</c>, <c>s3</c>, <c>ec2</c>): the key of its endpoint override.</param>
    public static TConfig Point<TConfig>(TConfig config, AwsClientOptions client, string signingName) where TConfig : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(client);
        if (client.EndpointFor(signingName) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString(); // only ServiceURL: setting RegionEndpoint afterwards would clear it
            config.AuthenticationRegion = client.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = client.Region;
        }
        if (client.Transport is { } transport) config.HttpClientFactory = new FixedHttpClientFactory(transport);
        return config;
    }

    /// <summary>A new configuration of the SDK client, with the options' retries and attempt time limit, pointed by <see cref="Point"/>.</summary>
    public static TConfig For<TConfig>(AwsClientOptions options, string signingName) where TConfig : ClientConfig, new()
    {
        ArgumentNullException.ThrowIfNull(options);
        return Point(new TConfig { MaxErrorRetry = options.MaxRetries, Timeout = options.AttemptTimeout }, options, signingName);
    }
}
