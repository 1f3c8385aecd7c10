using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// The list calls the counters make through thin clients, checked against the botocore model on this machine: the
/// operation, its protocol's framing (target header, form action and version, REST path), member names and types,
/// and the signing name.
/// </summary>
public sealed class ListClientsWireTests
{
    private static AwsClientOptions Options(ScriptedHandler handler) => new()
    {
        Region = RegionEndpoint.USWest2,
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        MaxRetries = 0,
        Transport = handler,
    };

    [Fact]
    public async Task EcsListClusters_IsAJson11CallOfTheModel()
    {
        var handler = new ScriptedHandler { Otherwise = _ => ScriptedHandler.Json("""{"clusterArns":[]}""") };
        using var ecs = new EcsClient(Options(handler));

        await ecs.ListClustersAsync(new EcsListClustersRequest("token-2", EcsClient.MaxPageSize), CancellationToken.None);

        AssertJsonCall(BotocoreModel.Load("ecs"), "ListClusters", Assert.Single(handler.Seen), """{"nextToken":"token-2","maxResults":100}""");
    }

    [Theory]
    [InlineData("ListKeys")]
    [InlineData("ListAliases")]
    public async Task KmsListings_AreJson11CallsOfTheModel(string operation)
    {
        var handler = new ScriptedHandler { Otherwise = _ => ScriptedHandler.Json("""{"Truncated":false}""") };
        using var kms = new KmsClient(Options(handler));

        if (operation == "ListKeys") await kms.ListKeysAsync(new ListKeysRequest(KmsClient.MaxKeysPerPage, "m"), CancellationToken.None);
        else await kms.ListAliasesAsync(new ListAliasesRequest(KmsClient.MaxAliasesPerPage, "m"), CancellationToken.None);

        var limit = operation == "ListKeys" ? 1000 : 100;
        AssertJsonCall(BotocoreModel.Load("kms"), operation, Assert.Single(handler.Seen), $$"""{"Limit":{{limit}},"Marker":"m"}""");
    }

    [Fact]
    public async Task EksListClusters_GetsTheModelsPath_WithItsQueryStringMembers()
    {
        var handler = new ScriptedHandler { Otherwise = _ => ScriptedHandler.Json("""{"clusters":["a"],"nextToken":"n/2"}""") };
        using var eks = new EksClient(Options(handler));

        var page = await eks.ListClustersAsync("n/1", EksClient.MaxPageSize, CancellationToken.None);

        var model = BotocoreModel.Load("eks");
        var seen = Assert.Single(handler.Seen);
        Assert.Equal("https://eks.us-west-2.amazonaws.com" + model.RequestUri("ListClusters") + "?maxResults=100&nextToken=n%2F1", seen.Uri);
        Assert.Equal("GET", model.Operations.GetProperty("ListClusters").GetProperty("http").GetProperty("method").GetString());
        Assert.Contains("/us-west-2/eks/aws4_request", seen.Authorization, StringComparison.Ordinal);
        Assert.Equal(["a"], page.Clusters!);
        Assert.Equal("n/2", page.NextToken);
    }

    [Fact]
    public async Task ElbV2DescribeLoadBalancers_IsAQueryFormOfTheModel_ReadingTypeAndMarker()
    {
        // The reply as the ELBv2 API reference shows it (…Result/LoadBalancers/member, nested lists of their own, NextMarker).
        const string Reply = """<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeLoadBalancersResult><LoadBalancers><member><LoadBalancerArn>arn:a</LoadBalancerArn><Type>application</Type><AvailabilityZones><member><ZoneName>us-west-2a</ZoneName></member></AvailabilityZones></member><member><LoadBalancerArn>arn:n</LoadBalancerArn><Type>network</Type></member></LoadBalancers><NextMarker>next</NextMarker></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>""";
        var handler = new ScriptedHandler { Otherwise = _ => ScriptedHandler.Text(Reply, System.Net.HttpStatusCode.OK, "text/xml") };
        using var elb = new ElasticLoadBalancingV2Client(Options(handler));

        var page = await elb.DescribeLoadBalancersAsync("m", ElasticLoadBalancingV2Client.MaxPageSize, CancellationToken.None);

        AssertElbForm("DescribeLoadBalancers", Assert.Single(handler.Seen));
        Assert.Equal([new LoadBalancer("arn:a", "application"), new LoadBalancer("arn:n", "network")], page.LoadBalancers);
        Assert.Equal("next", page.NextMarker);
    }

    [Fact]
    public async Task ElbV2DescribeTargetGroups_IsAQueryFormOfTheModel_ReadingTheGroupsOnly()
    {
        const string Reply = """<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult><TargetGroups><member><TargetGroupArn>arn:tg</TargetGroupArn><LoadBalancerArns><member>arn:a</member></LoadBalancerArns></member></TargetGroups></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>""";
        var handler = new ScriptedHandler { Otherwise = _ => ScriptedHandler.Text(Reply, System.Net.HttpStatusCode.OK, "text/xml") };
        using var elb = new ElasticLoadBalancingV2Client(Options(handler));

        var page = await elb.DescribeTargetGroupsAsync("m", ElasticLoadBalancingV2Client.MaxPageSize, CancellationToken.None);

        AssertElbForm("DescribeTargetGroups", Assert.Single(handler.Seen));
        Assert.Equal(["arn:tg"], page.TargetGroupArns);
        Assert.Null(page.NextMarker);
    }

    private static void AssertElbForm(string operation, SeenRequest seen)
    {
        var model = BotocoreModel.Load("elbv2");
        var form = Form(seen);
        Assert.Equal((operation, model.Metadata.GetProperty("apiVersion").GetString(), "400", "m"), (form["Action"], form["Version"], form["PageSize"], form["Marker"]));
        Assert.Empty(model.Check(operation, JsonSerializer.Serialize(new { PageSize = 400, Marker = form["Marker"] })));
        Assert.Contains("/us-west-2/elasticloadbalancing/aws4_request", seen.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SnsListTopics_IsAQueryFormOfTheModel_FollowingTheToken()
    {
        const string Reply = """<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics><member><TopicArn>arn:aws:sns:us-west-2:123456789012:a</TopicArn></member></Topics><NextToken>t2</NextToken></ListTopicsResult></ListTopicsResponse>""";
        var handler = new ScriptedHandler { Otherwise = _ => ScriptedHandler.Text(Reply, System.Net.HttpStatusCode.OK, "text/xml") };
        using var sns = new SnsClient(Options(handler));

        var (arns, next) = await sns.ListTopicsAsync("t1", CancellationToken.None);

        var form = Form(Assert.Single(handler.Seen));
        Assert.Equal(("ListTopics", "2010-03-31", "t1"), (form["Action"], form["Version"], form["NextToken"]));
        Assert.Empty(BotocoreModel.Load("sns").Check("ListTopics", JsonSerializer.Serialize(new { NextToken = form["NextToken"] })));
        Assert.Equal(["arn:aws:sns:us-west-2:123456789012:a"], arns);
        Assert.Equal("t2", next);
    }

    private static void AssertJsonCall(BotocoreModel model, string operation, SeenRequest seen, string body)
    {
        var metadata = model.Metadata;
        var signingName = metadata.TryGetProperty("signingName", out var s) ? s.GetString() : metadata.GetProperty("endpointPrefix").GetString();
        Assert.Empty(model.Check(operation, seen.Body));
        Assert.Equal(body, seen.Body);
        Assert.Equal($"{metadata.GetProperty("targetPrefix").GetString()}.{operation}", seen.Target);
        Assert.Equal($"application/x-amz-json-{metadata.GetProperty("jsonVersion").GetString()}", seen.ContentType);
        Assert.Contains($"/{signingName}/aws4_request", seen.Authorization, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Form(SeenRequest seen) =>
        seen.Body.Split('&').Select(p => p.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
}
