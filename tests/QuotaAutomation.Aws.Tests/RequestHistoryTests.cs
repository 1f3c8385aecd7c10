using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// A filing whose answer was lost is found in the quota's request history whatever its status
/// (ListRequestedServiceQuotaChangeHistoryByQuota without a Status filter), on the Service Quotas fake (moto lacks it).
/// </summary>
public class RequestHistoryTests
{
    private static readonly QuotaKey Ec2 = new("ec2", "L-1216C47A", "us-east-1");

    /// <summary>The fake stamps every request Created = 1764000000.123 (2025-11-24T16:00:00.123Z).</summary>
    private static readonly DateTimeOffset Filed = DateTimeOffset.FromUnixTimeMilliseconds(1764000000123);

    private static (FakeServiceQuotas Fake, AwsQuotaRequester Requester) World()
    {
        var fake = new FakeServiceQuotas();
        fake.AddQuota("us-east-1", "ec2", Ec2.QuotaCode, 100);
        var options = new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = fake };
        return (fake, new AwsQuotaRequester(new AwsClients(options, new AwsBackendOptions())));
    }

    [Fact]
    public async Task FindRequest_AwsAlreadyDeniedIt_FindsItWithItsStatus()
    {
        var (fake, requester) = World();
        var filed = await requester.RequestIncreaseAsync(Ec2, 150, CancellationToken.None);
        fake.Decide(filed.Id, "DENIED");

        var found = await requester.FindRequestAsync(Ec2, 150, Filed.AddMinutes(-1), CancellationToken.None);

        Assert.Equal((filed.Id, RequestStatus.Denied, 150.0), (found?.Id, found?.Status, found?.DesiredValue));
        Assert.InRange(found?.Created ?? DateTimeOffset.MinValue, Filed.AddSeconds(-1), Filed.AddSeconds(1));
        Assert.Null(await requester.FindOpenRequestAsync(Ec2, CancellationToken.None)); // what was used before: a denial looked like "never reached AWS"
        var (target, _, body) = fake.Seen[^2];
        Assert.Equal("ServiceQuotasV20190624.ListRequestedServiceQuotaChangeHistoryByQuota", target);
        Assert.Null(JsonNode.Parse(body)!["Status"]); // every status
    }

    [Theory]
    [InlineData(140, -1)] // another desired value
    [InlineData(150, 1)]  // received before the reservation
    public async Task FindRequest_NoRequestForThatValueSinceTheReservation_FindsNothing(double desired, int reservedMinutesAfterFiling)
    {
        var (fake, requester) = World();
        var filed = await requester.RequestIncreaseAsync(Ec2, 150, CancellationToken.None);
        fake.Decide(filed.Id, "APPROVED");

        Assert.Null(await requester.FindRequestAsync(Ec2, desired, Filed.AddMinutes(reservedMinutesAfterFiling), CancellationToken.None));
    }
}
