using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Endpoints chosen as the AWS CLI and SDKs choose them: <c>--endpoint-url</c> for every service; else
/// <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c> for its service and <c>AWS_ENDPOINT_URL</c> for the rest; none when
/// <c>AWS_IGNORE_CONFIGURED_ENDPOINT_URLS</c> is true. The environment is the test's own, not the process's.
/// </summary>
public sealed class ServiceEndpointTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static AwsClientOptions Options(Func<string, string?> environment, Uri? endpointUrl = null)
    {
        var (general, services) = endpointUrl is null ? AwsClientOptions.ConfiguredEndpoints(environment) : (endpointUrl, []);
        return new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), EndpointUrl = general, ServiceEndpoints = services };
    }

    private static string Endpoint(AwsClientOptions options, string signingName)
    {
        using var transport = new AwsTransport(options, signingName, signingName);
        return transport.Endpoint.ToString();
    }

    [Fact]
    public void AServiceVariable_SendsThatServiceThere_AndTheGeneralOneTheRest()
    {
        var options = Options(Environment(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"), ("AWS_ENDPOINT_URL_SERVICE_QUOTAS", "http://127.0.0.1:5001")));

        Assert.Equal("http://127.0.0.1:5001/", Endpoint(options, "servicequotas"));
        Assert.Equal("http://127.0.0.1:5000/", Endpoint(options, "monitoring"));
        Assert.Equal("http://127.0.0.1:5000/", options.EndpointFor("dynamodb")!.ToString());
    }

    [Fact]
    public void WithoutVariables_EveryServiceGoesToAws()
    {
        var options = Options(Environment());

        Assert.Equal("https://servicequotas.us-east-1.amazonaws.com/", Endpoint(options, "servicequotas"));
        Assert.Null(options.EndpointFor("dynamodb"));
    }

    [Fact]
    public void EndpointUrlOption_WinsOverEveryVariable()
    {
        var options = Options(Environment(("AWS_ENDPOINT_URL_SERVICE_QUOTAS", "http://127.0.0.1:5001")), new Uri("http://127.0.0.1:7000"));

        Assert.Equal("http://127.0.0.1:7000/", Endpoint(options, "servicequotas"));
    }

    [Fact]
    public void IgnoreConfiguredEndpoints_IgnoresTheVariables()
    {
        var options = Options(Environment(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")));

        Assert.Null(options.EndpointFor("servicequotas"));
    }

    [Fact]
    public void AMalformedVariable_IsRefused_NamingIt()
    {
        var e = Assert.Throws<InvalidOperationException>(() => AwsClientOptions.ConfiguredEndpoints(Environment(("AWS_ENDPOINT_URL_CLOUDWATCH", "localhost:5000"))));

        Assert.Equal("AWS_ENDPOINT_URL_CLOUDWATCH 'localhost:5000' must be an absolute http or https URL", e.Message);
    }

    [Fact]
    public void EveryServiceTheClientsCall_HasItsSdkServiceId()
    {
        Assert.Equal("SERVICE_QUOTAS,CLOUDWATCH,DYNAMODB,SNS,STS,SFN,EVENTBRIDGE,SUPPORT,KMS,EC2,ORGANIZATIONS,ACCOUNT,S3,IAM,RDS,AUTO_SCALING,CLOUDFORMATION,ROUTE_53,LAMBDA,EKS,ECS,ELASTIC_LOAD_BALANCING_V2", string.Join(',', AwsClientOptions.ServiceIds.Values));
    }
}
