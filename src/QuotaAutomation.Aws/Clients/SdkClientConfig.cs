using Amazon.Runtime;

namespace QuotaAutomation.Aws.Clients;

/// <summary>
/// Points an AWS SDK client's configuration where the thin clients go: the options' endpoint for the service (moto,
/// LocalStack) or its Region's, their retries and attempt time limit, and their transport (a fake, a call counter,
/// the fleet's <see cref="Adapters.AccountRateLimit"/>) when one is given. For the SDK clients the counters use
/// (DynamoDB ListTables, S3 ListBuckets); S3ShardStore and AwsBackend configure theirs the same way.
/// </summary>
public static class SdkClientConfig
{
    public static TConfig For<TConfig>(AwsClientOptions options, string signingName) where TConfig : ClientConfig, new()
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new TConfig { MaxErrorRetry = options.MaxRetries, Timeout = options.AttemptTimeout };
        if (options.EndpointFor(signingName) is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString(); // only ServiceURL: setting RegionEndpoint afterwards would clear it
            config.AuthenticationRegion = options.Region.SystemName;
        }
        else
        {
            config.RegionEndpoint = options.Region;
        }
        if (options.Transport is { } transport) config.HttpClientFactory = new FixedHttpClientFactory(transport);
        return config;
    }

    /// <summary>Routes an SDK client through a given handler; never disposes it (the fleet's shared inner handler outlives each client).</summary>
    private sealed class FixedHttpClientFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}
