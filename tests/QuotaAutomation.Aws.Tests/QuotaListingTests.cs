using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <c>quotas list|search --backend aws</c>'s listing: ListServices then ListServiceQuotas per service, paged. moto
/// serves neither for these services, so Service Quotas is <see cref="FakeServiceQuotas"/> at the transport, in the
/// real wire shapes.
/// </summary>
public sealed class QuotaListingTests
{
    private static (FakeServiceQuotas Fake, ServiceQuotasClient Client) Account()
    {
        var fake = new FakeServiceQuotas();
        for (var i = 0; i < 130; i++) fake.AddQuota("us-east-1", "ec2", $"L-{i:D8}", i);
        fake.AddQuota("us-east-1", "vpc", "L-F678F1CE", 5, AwsWorld.VpcMetric);
        fake.AddQuota("eu-west-1", "lambda", "L-B99A9384", 1000);
        var options = new QuotaAutomation.Aws.Clients.AwsClientOptions
        {
            Region = Amazon.RegionEndpoint.USEast1,
            Credentials = new Amazon.Runtime.BasicAWSCredentials("testing", "testing"),
            EndpointUrl = new Uri("http://127.0.0.1:1/"),
            Transport = fake,
        };
        return (fake, new QuotaAutomation.Aws.Clients.ServiceQuotasClient(options));
    }

    [Fact]
    public async Task List_NoService_ListsEveryServiceOfTheRegion_PageByPage()
    {
        var (fake, client) = Account();
        using var _ = fake;
        using var __ = client;

        var quotas = await AwsQuotaListing.ListAsync(client, null, CancellationToken.None);

        Assert.Equal(131, quotas.Count);
        Assert.Equal((1, 3), (fake.Calls("ListServices"), fake.Calls("ListServiceQuotas"))); // ec2: 2 pages of 100; vpc: 1
        Assert.NotNull(Assert.Single(quotas, q => q.QuotaCode == "L-F678F1CE").UsageMetric);
    }

    [Fact]
    public async Task List_OneService_AsksOnlyForIt()
    {
        var (fake, client) = Account();
        using var _ = fake;
        using var __ = client;

        var quotas = await AwsQuotaListing.ListAsync(client, "vpc", CancellationToken.None);

        Assert.Equal(("vpc", "L-F678F1CE", 5.0), (quotas[0].ServiceCode, quotas[0].QuotaCode, quotas[0].Value!.Value));
        Assert.Equal((0, 1), (fake.Calls("ListServices"), fake.Calls("ListServiceQuotas")));
    }
}
