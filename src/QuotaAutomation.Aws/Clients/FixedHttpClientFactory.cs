using Amazon.Runtime;

namespace QuotaAutomation.Aws.Clients;

/// <summary>Routes an AWS SDK client through a given handler (tests: a fake or a call counter; a fleet shard: its pacing), never disposing it.</summary>
public sealed class FixedHttpClientFactory(HttpMessageHandler handler) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
}
