using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Unit prices from the AWS Price List. moto does not serve the Price List: it is faked at the HTTP transport, each
/// request checked against botocore's pricing model and answered in its wire shape (<c>PriceList</c>: products as JSON
/// strings, the offer files' attributes and On-Demand terms). What the list does not give keeps the shipped table's,
/// marked estimated; a Region's prices are read once a day.
/// </summary>
public sealed class PriceListPricesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A product as GetProducts returns it (one string of JSON per product).</summary>
    private static string Product(string usagetype, string usd, params (string Name, string Value)[] attributes)
    {
        var attrs = new JsonObject { ["usagetype"] = usagetype, ["regionCode"] = "eu-west-1" };
        foreach (var (name, value) in attributes) attrs[name] = value;
        return new JsonObject
        {
            ["product"] = new JsonObject { ["productFamily"] = "Compute Instance", ["attributes"] = attrs, ["sku"] = "SKU1" },
            ["serviceCode"] = "AmazonEC2",
            ["terms"] = new JsonObject
            {
                ["OnDemand"] = new JsonObject
                {
                    ["SKU1.JRTCKXETXF"] = new JsonObject
                    {
                        ["priceDimensions"] = new JsonObject
                        {
                            ["SKU1.JRTCKXETXF.6YS6EN2CT7"] = new JsonObject { ["unit"] = "Hrs", ["pricePerUnit"] = new JsonObject { ["USD"] = usd }, ["description"] = "per hour" },
                        },
                        ["sku"] = "SKU1", ["offerTermCode"] = "JRTCKXETXF",
                    },
                },
            },
            ["version"] = "20261120000000", ["publicationDate"] = "2026-11-20T00:00:00Z",
        }.ToJsonString();
    }

    private static HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var body = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.Empty(BotocoreModel.Load("pricing").Check("GetProducts", body));
        var service = JsonDocument.Parse(body).RootElement.GetProperty("ServiceCode").GetString();
        var products = service switch
        {
            "AmazonEC2" => [Product("EU-BoxUsage:m5.large", "0.1070000000", ("instanceType", "m5.large"), ("vcpu", "2"))],
            "AWSLambda" => [Product("EU-Lambda-Provisioned-Concurrency-ARM", "0.0000033334"), Product("EU-Lambda-Provisioned-Concurrency", "0.0000041667")],
            _ => Array.Empty<string>(),
        };
        var reply = JsonSerializer.Serialize(new { FormatVersion = "aws_v1", PriceList = products });
        Assert.Empty(BotocoreModel.Load("pricing").CheckOutput("GetProducts", reply));
        return ScriptedHandler.Json(reply);
    }

    private static (PriceListPrices Prices, ScriptedHandler Handler, FakeTimeProvider Time) Prices(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        var handler = new ScriptedHandler { Otherwise = answer };
        var time = new FakeTimeProvider(Now);
        var client = new PricingClient(new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler });
        return (new PriceListPrices(client, time), handler, time);
    }

    [Fact]
    public async Task PricesTheListGives_AreUsed_AndSayWhereTheyCameFrom_TheRestAreMarkedEstimated()
    {
        var (prices, handler, _) = Prices(Answer);

        var model = await prices.CostModelAsync("eu-west-1", CancellationToken.None);

        Assert.Equal(0.0535, model.PricePerUnitHour(new QuotaKey("ec2", "L-1216C47A", "eu-west-1")), 6); // $0.107 ÷ 2 vCPUs
        Assert.Equal(0.0000041667 * 0.125 * 3600, model.PricePerUnitHour(new QuotaKey("lambda", "L-B99A9384", "eu-west-1")), 9); // x86, not ARM
        Assert.Equal(" (Price List eu-west-1 2026-12-02)", model.SourceNote(new QuotaKey("ec2", "L-1216C47A", "eu-west-1")));
        Assert.StartsWith(" (estimated: the shipped table; the Price List has no db.m5.large MySQL", model.SourceNote(new QuotaKey("rds", "L-7B6409FD", "eu-west-1")), StringComparison.Ordinal);
        Assert.Equal(0.171, model.PricePerUnitHour(new QuotaKey("rds", "L-7B6409FD", "eu-west-1"))); // the table's
        Assert.All(handler.Seen, s => Assert.Equal("AWSPriceListService.GetProducts", s.Target));
        Assert.All(handler.Seen, s => Assert.StartsWith("https://api.pricing.us-east-1.amazonaws.com/", s.Uri, StringComparison.Ordinal));
        Assert.Contains("\"Field\":\"regionCode\",\"Value\":\"eu-west-1\"", handler.Seen[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARegionsPrices_AreReadOnceADay()
    {
        var (prices, handler, time) = Prices(Answer);

        await prices.CostModelAsync("eu-west-1", CancellationToken.None);
        await prices.CostModelAsync("eu-west-1", CancellationToken.None);
        var first = handler.Seen.Count;
        time.Advance(TimeSpan.FromDays(1));
        await prices.CostModelAsync("eu-west-1", CancellationToken.None);

        Assert.Equal(PriceListPrices.Queries.Count, first);
        Assert.Equal(2 * first, handler.Seen.Count);
    }

    [Fact]
    public async Task NoPermission_KeepsTheTable_SaysWhy_AndTriesAgainWithinTheHour()
    {
        var (prices, handler, time) = Prices(_ => ScriptedHandler.Json("""{"__type":"AccessDeniedException","message":"not authorized to perform: pricing:GetProducts"}""", HttpStatusCode.BadRequest));

        var model = await prices.CostModelAsync("us-east-1", CancellationToken.None);
        time.Advance(PriceListPrices.RetryAfterFailure);
        await prices.CostModelAsync("us-east-1", CancellationToken.None);

        Assert.Equal(0.048, model.PricePerUnitHour(new QuotaKey("ec2", "L-1216C47A", "us-east-1")));
        Assert.Equal(" (estimated: the shipped table; the Price List could not be read (AccessDeniedException))", model.SourceNote(new QuotaKey("ec2", "L-1216C47A", "us-east-1")));
        Assert.Equal(2 * PriceListPrices.Queries.Count, handler.Seen.Count);
    }
}
