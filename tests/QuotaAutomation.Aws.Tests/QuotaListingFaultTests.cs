using System.Net;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// One service's ListServiceQuotas fails after its retries (throttled, or its connection dropped) while the other
/// listings succeed: only that service's keys fail, named with the listing. The fault is made at the transport,
/// in Service Quotas' real error shape (moto lacks ListServiceQuotas for these services).
/// </summary>
public class QuotaListingFaultTests
{
    private static readonly QuotaKey Ec2 = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaKey Vpc = new("vpc", "L-F678F1CE", "us-east-1");

    /// <summary>Answers ec2's listing with the given fault; passes everything else to the fake.</summary>
    private sealed class FailEc2Listing(HttpMessageHandler inner, Func<HttpResponseMessage> fault) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.First() : "";
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            return target.EndsWith(".ListServiceQuotas", StringComparison.Ordinal) && body.Contains("\"ServiceCode\":\"ec2\"", StringComparison.Ordinal)
                ? fault()
                : await base.SendAsync(request, cancellationToken);
        }
    }

    private static async Task<QuotaDictionary> ReadAsync(Func<HttpResponseMessage> fault)
    {
        var fake = new FakeServiceQuotas();
        fake.AddQuota("us-east-1", "ec2", Ec2.QuotaCode, 100);
        fake.AddQuota("us-east-1", "vpc", Vpc.QuotaCode, 5);
        var options = new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 1, Transport = new FailEc2Listing(fake, fault) };
        return await new AwsQuotaSource(new AwsClients(options, new AwsBackendOptions())).GetQuotasAsync([Ec2, Vpc], CancellationToken.None);
    }

    [Fact]
    public async Task GetQuotas_OneServiceListingThrottledAfterRetries_FailsOnlyItsKeys()
    {
        var quotas = await ReadAsync(() => FakeServiceQuotas.Error("ThrottlingException", "Rate exceeded"));

        Assert.Equal(5, quotas[Vpc].Value);
        Assert.False(quotas.ContainsKey(Ec2));
        Assert.Equal([Ec2], quotas.Failed.Keys);
        Assert.Equal("ListServiceQuotas for ec2 in us-east-1 failed: ThrottlingException: Rate exceeded", quotas.Failed[Ec2]);
    }

    [Fact]
    public async Task GetQuotas_OneServiceListingConnectionDropped_FailsOnlyItsKeys()
    {
        var quotas = await ReadAsync(() => throw new HttpRequestException("An error occurred while sending the request.", null, HttpStatusCode.BadGateway));

        Assert.Equal(5, quotas[Vpc].Value);
        Assert.Equal("ListServiceQuotas for ec2 in us-east-1 failed: An error occurred while sending the request.", Assert.Single(quotas.Failed).Value);
    }
}
