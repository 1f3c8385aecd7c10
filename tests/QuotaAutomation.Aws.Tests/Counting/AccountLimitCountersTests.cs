using System.Diagnostics;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// The account-limit counters (IAM GetAccountSummary, RDS DescribeAccountAttributes, Auto Scaling and CloudFormation
/// DescribeAccountLimits with ListStacks, Route 53 GetAccountLimit, Lambda GetAccountSettings) in a cycle's usage read.
/// IAM's summary and CloudFormation's ListStacks run on moto, over resources boto3 made; the operations moto 5.2.1 lacks
/// are answered by wire fakes (<see cref="WireFakes"/>, WireFakes.Limits.cs), whose bodies botocore's own parsers read
/// back here.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public class AccountLimitCountersTests(MotoServer moto)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Regions = ["us-east-1", "eu-west-1"];

    private static IReadOnlyList<IQuotaCounter> LimitCounters => QuotaCounters.All.Where(c => c.Kind == UsageSourceKind.AccountLimitApi).ToList();

    /// <summary>3 roles, 2 groups, 1 instance profile, 2 customer managed policies; stacks: 2 live and 1 deleted in us-east-1, 1 in eu-west-1.</summary>
    private const string Resources = """
        import boto3
        iam = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1')
        for i in range(3): iam.create_role(RoleName=f'role-{i}', AssumeRolePolicyDocument='{}')
        for i in range(2): iam.create_group(GroupName=f'group-{i}')
        iam.create_instance_profile(InstanceProfileName='profile-0')
        document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
        for i in range(2): iam.create_policy(PolicyName=f'policy-{i}', PolicyDocument=document)
        template = '{"Resources":{"Handle":{"Type":"AWS::CloudFormation::WaitConditionHandle"}}}'
        east = boto3.client('cloudformation', endpoint_url=endpoint, region_name='us-east-1')
        for name in ['stack-a', 'stack-b', 'stack-gone']: east.create_stack(StackName=name, TemplateBody=template)
        east.delete_stack(StackName='stack-gone')
        boto3.client('cloudformation', endpoint_url=endpoint, region_name='eu-west-1').create_stack(StackName='stack-d', TemplateBody=template)
        """;

    /// <summary>Every quota the counters serve: a global service's in us-east-1 only, a Regional one in both Regions.</summary>
    private static List<UsageQuery> Queries() => LimitCounters.SelectMany(c => c.Serves)
        .SelectMany(q => (q.Scope == CountScope.Account ? Regions[..1] : Regions).Select(region =>
            new UsageQuery(new QuotaInfo(new QuotaKey(q.ServiceCode, q.QuotaCode, region), q.Counted, 1000, true, "None"), Now.AddMinutes(-5))))
        .ToList();

    [Fact]
    public async Task ACycle_ObservesEveryAccountLimitQuota_ExactlyAndOncePerCallAndRegion()
    {
        await moto.ResetAsync();
        await Boto3.RunAsync(moto, Resources);
        var transport = new WireFakeTransport();
        using var clients = new AwsClients(moto.Options(transport), new AwsBackendOptions());

        var reading = await new AwsUsageSource(clients, new FakeTimeProvider(Now), counters: LimitCounters).ReadAsync(Queries(), Now, CancellationToken.None);

        var rds = WireFakes.RdsQuotas.ToDictionary(q => q.Name, q => (double)q.Used);
        var expected = new Dictionary<string, double>
        {
            ["iam/L-FE177D64@us-east-1"] = 3, ["iam/L-F4A5425F@us-east-1"] = 2, ["iam/L-6E65F664@us-east-1"] = 1, ["iam/L-E95E4862@us-east-1"] = 2, ["iam/L-BF35879D@us-east-1"] = 0,
            ["cloudformation/L-0485CB21@us-east-1"] = 2, ["cloudformation/L-0485CB21@eu-west-1"] = 1,
            ["route53/L-4EA4796A@us-east-1"] = 12, ["route53/L-ACB674F3@us-east-1"] = 4, ["route53/L-A72C7724@us-east-1"] = 0, ["route53/L-FC688E7C@us-east-1"] = 1, ["route53/L-628D5A56@us-east-1"] = 2,
        };
        foreach (var region in Regions)
        {
            foreach (var (code, name) in new[] { ("L-7B6409FD", "DBInstances"), ("L-78E853F4", "ReservedDBInstances"), ("L-7ADDB58A", "AllocatedStorage"), ("L-952B80B8", "DBClusters"),
                ("L-DE55804A", "DBParameterGroups"), ("L-E4C808A8", "DBClusterParameterGroups"), ("L-9FA33840", "OptionGroups"), ("L-48C6BF61", "DBSubnetGroups"),
                ("L-732153D0", "DBSecurityGroups"), ("L-272F1212", "ManualSnapshots"), ("L-9B510759", "ManualClusterSnapshots"), ("L-A59F4C87", "EventSubscriptions") })
                expected[$"rds/{code}@{region}"] = rds[name];
            expected[$"autoscaling/L-CDE20ADC@{region}"] = 31;
            expected[$"autoscaling/L-6B80B8FA@{region}"] = 6;
            expected[$"lambda/L-2ACBD22F@{region}"] = 3;
        }
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal),
            reading.Samples.Select(s => KeyValuePair.Create(s.Key.ToString(), Assert.Single(s.Value).Value)).OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.All(reading.Samples.Keys, key => Assert.Equal(UsageSourceKind.AccountLimitApi, reading.ObservedBy[key]));
        Assert.Empty(reading.Failures);
        Assert.Equal([
            "autoscaling:DescribeAccountLimits@eu-west-1", "autoscaling:DescribeAccountLimits@us-east-1",
            "cloudformation:DescribeAccountLimits@eu-west-1", "cloudformation:DescribeAccountLimits@us-east-1", "cloudformation:ListStacks@eu-west-1", "cloudformation:ListStacks@us-east-1",
            "iam:GetAccountSummary@us-east-1", "lambda:GetAccountSettings@eu-west-1", "lambda:GetAccountSettings@us-east-1",
            "rds:DescribeAccountAttributes@eu-west-1", "rds:DescribeAccountAttributes@us-east-1",
            .. Enumerable.Repeat("route53:GetAccountLimit@us-east-1", 5),
        ], transport.Calls.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheLimitTheApiReturns_IsKeptBesideTheCount_InServiceQuotasUnits()
    {
        await moto.ResetAsync();
        await Boto3.RunAsync(moto, Resources);
        using var clients = new AwsClients(moto.Options(new WireFakeTransport()), new AwsBackendOptions());
        var scope = new CounterScope(clients, null, "us-east-1");

        var counts = new List<QuotaCount>();
        foreach (var counter in LimitCounters)
            counts.AddRange(await counter.CountAsync(scope, counter.Serves.ToList(), CancellationToken.None));

        var limits = counts.ToDictionary(c => c.Quota.QuotaCode, c => (c.Used, c.Limit));
        Assert.Equal((3, 1000), limits["L-FE177D64"]); // moto's RolesQuota
        Assert.Equal((7, 40), limits["L-7B6409FD"]);
        Assert.Equal((740, 100000), limits["L-7ADDB58A"]); // GiB, as the model documents AllocatedStorage
        Assert.Equal((31, 500), limits["L-CDE20ADC"]);
        Assert.Equal((2, WireFakes.StackLimit), limits["L-0485CB21"]);
        Assert.Equal((12, 500), limits["L-4EA4796A"]);
        Assert.Equal((3, 75), limits["L-2ACBD22F"]); // bytes in the API, GB of 2^30 bytes in Service Quotas
    }

    [Fact]
    public async Task AMemberAccountsQuota_IsCountedInThatAccount_ThroughItsRole()
    {
        await moto.ResetAsync();
        await Boto3.RunAsync(moto, Resources + "\n" + """
            keys = boto3.client('sts', endpoint_url=endpoint).assume_role(RoleArn='arn:aws:iam::111122223333:role/QuotaAutomationMemberRole', RoleSessionName='setup')['Credentials']
            member = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=keys['AccessKeyId'],
                                  aws_secret_access_key=keys['SecretAccessKey'], aws_session_token=keys['SessionToken'])
            member.create_role(RoleName='only-in-the-member', AssumeRolePolicyDocument='{}')
            """);
        using var clients = new AwsClients(moto.Options(new WireFakeTransport()), new AwsBackendOptions { MemberRoleName = "QuotaAutomationMemberRole" });
        var (hub, memberRoles) = (new QuotaKey("iam", "L-FE177D64", "us-east-1"), new QuotaKey("iam", "L-FE177D64", "us-east-1", "111122223333"));

        var reading = await new AwsUsageSource(clients, new FakeTimeProvider(Now), counters: LimitCounters).ReadAsync(
            new[] { hub, memberRoles }.Select(key => new UsageQuery(new QuotaInfo(key, "Roles per account", 1000, true, "None"), Now.AddMinutes(-5))).ToList(), Now, CancellationToken.None);

        Assert.Equal((3, 1), (reading.Samples[hub].Single().Value, reading.Samples[memberRoles].Single().Value));
    }

    [Fact]
    public async Task TheStackCounter_FollowsEveryPageOfBoth_AndCountsNoDeletedStack()
    {
        static Func<HttpResponseMessage> Page(string operation, string result) => () => new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new StringContent($"""<{operation}Response xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><{operation}Result>{result}</{operation}Result></{operation}Response>""", System.Text.Encoding.UTF8, "text/xml"),
        };
        static string Stack(string name, string status) => $"<member><StackName>{name}</StackName><StackStatus>{status}</StackStatus></member>";
        var handler = new ScriptedHandler(
            Page("DescribeAccountLimits", "<AccountLimits><member><Name>StackOutputsLimit</Name><Value>200</Value></member></AccountLimits><NextToken>l2</NextToken>"),
            Page("DescribeAccountLimits", "<AccountLimits><member><Name>StackLimit</Name><Value>4000</Value></member></AccountLimits>"),
            Page("ListStacks", $"<StackSummaries>{Stack("a", "CREATE_COMPLETE")}{Stack("b", "UPDATE_ROLLBACK_FAILED")}</StackSummaries><NextToken>s2</NextToken>"),
            Page("ListStacks", $"<StackSummaries>{Stack("c", "REVIEW_IN_PROGRESS")}{Stack("gone", "DELETE_COMPLETE")}</StackSummaries>"));
        using var clients = new AwsClients(new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler }, new AwsBackendOptions());
        var counter = new CloudFormationStacksCounter();

        var count = Assert.Single(await counter.CountAsync(new CounterScope(clients, null, "eu-west-1"), counter.Serves.ToList(), CancellationToken.None));

        Assert.Equal((3, 4000), (count.Used, count.Limit));
        Assert.Equal(["Action=DescribeAccountLimits&Version=2010-05-15", "Action=DescribeAccountLimits&Version=2010-05-15&NextToken=l2"], handler.Seen.Take(2).Select(s => s.Body));
        var statuses = handler.Seen[2].Body.Split('&').Where(p => p.StartsWith("StackStatusFilter.member.", StringComparison.Ordinal)).Select(p => p.Split('=')[1]).ToList();
        Assert.Equal(22, statuses.Count); // every StackStatus of the model but DELETE_COMPLETE
        Assert.DoesNotContain("DELETE_COMPLETE", statuses);
        Assert.EndsWith("&NextToken=s2", handler.Seen[3].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GlobalServices_AreSentToThePartitionsEndpoint_SignedForUsEast1_WhateverTheRegion()
    {
        var handler = new ScriptedHandler(
            () => ScriptedHandler.Text("""<GetAccountSummaryResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountSummaryResult><SummaryMap><entry><key>Roles</key><value>5</value></entry><entry><key>RolesQuota</key><value>1000</value></entry></SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>""", System.Net.HttpStatusCode.OK, "text/xml"),
            () => WireFakes.All[("route53", "GetAccountLimit")](new HttpRequestMessage(HttpMethod.Get, "https://route53.amazonaws.com/2013-04-01/accountlimit/MAX_HOSTED_ZONES_BY_OWNER")));
        var options = new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler };
        using var iam = new IamClient(options);
        using var route53 = new Route53Client(options);

        var roles = (await iam.GetAccountSummaryAsync(CancellationToken.None)).SummaryMap["Roles"];
        var zones = await route53.GetAccountLimitAsync("MAX_HOSTED_ZONES_BY_OWNER", CancellationToken.None);

        Assert.Equal(5, roles);
        Assert.Equal(new GetAccountLimitResponse(new Route53AccountLimit("MAX_HOSTED_ZONES_BY_OWNER", 500), 12), zones);
        Assert.Equal(["https://iam.amazonaws.com/", "https://route53.amazonaws.com/2013-04-01/accountlimit/MAX_HOSTED_ZONES_BY_OWNER"], handler.Seen.Select(s => s.Uri));
        Assert.Contains("/us-east-1/iam/aws4_request", handler.Seen[0].Authorization, StringComparison.Ordinal);
        Assert.Contains("/us-east-1/route53/aws4_request", handler.Seen[1].Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACountThatIsNoWholeNumber_IsAMalformedReply_NamingTheOperationAndField()
    {
        var handler = new ScriptedHandler(() => ScriptedHandler.Text(
            """<DescribeAccountAttributesResponse><DescribeAccountAttributesResult><AccountQuotas><AccountQuota><AccountQuotaName>DBInstances</AccountQuotaName><Used>-1</Used><Max>40</Max></AccountQuota></AccountQuotas></DescribeAccountAttributesResult></DescribeAccountAttributesResponse>""",
            System.Net.HttpStatusCode.OK, "text/xml"));
        using var rds = new RdsClient(new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler });

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => rds.DescribeAccountAttributesAsync(CancellationToken.None));

        Assert.Equal(("MalformedResponse", "DescribeAccountAttributes", "reply does not match the DescribeAccountAttributes shape: Used: '-1' is not a whole number between 0 and 1e15"),
            (e.ErrorCode, e.Operation, e.ErrorMessage));
    }

    [Fact]
    public async Task EveryLimitsWireFake_ParsesWithBotocore_IntoWhatTheCountersRead()
    {
        var replies = new (string Service, string Operation, string Path)[]
        {
            ("rds", "DescribeAccountAttributes", "/"), ("autoscaling", "DescribeAccountLimits", "/"), ("cloudformation", "DescribeAccountLimits", "/"),
            ("route53", "GetAccountLimit", "/2013-04-01/accountlimit/MAX_HOSTED_ZONES_BY_OWNER"), ("lambda", "GetAccountSettings", "/2016-08-19/account-settings"),
        };
        var bodies = new List<object>();
        foreach (var (service, operation, path) in replies)
        {
            using var reply = WireFakes.All[(service, operation)](new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri("https://example.com"), path)));
            bodies.Add(new { service, operation, body = await reply.Content.ReadAsStringAsync() });
        }

        using var parsed = JsonDocument.Parse(await ParseWithBotocoreAsync(JsonSerializer.Serialize(bodies)));

        var root = parsed.RootElement;
        Assert.Equal("""{"AccountQuotaName":"DBInstances","Used":7,"Max":40}""", root[0].GetProperty("AccountQuotas")[0].GetRawText());
        Assert.Equal(31, root[1].GetProperty("NumberOfAutoScalingGroups").GetInt32());
        Assert.Equal("""{"Name":"StackLimit","Value":2000}""", root[2].GetProperty("AccountLimits")[0].GetRawText());
        Assert.Equal("""{"Limit":{"Type":"MAX_HOSTED_ZONES_BY_OWNER","Value":500},"Count":12}""", root[3].GetRawText());
        Assert.Equal(3L << 30, root[4].GetProperty("AccountUsage").GetProperty("TotalCodeSize").GetInt64());
    }

    /// <summary>botocore's own response parser for each reply (its protocol and the operation's output shape), ResponseMetadata dropped.</summary>
    private static async Task<string> ParseWithBotocoreAsync(string replies)
    {
        const string script = """
            import json, sys, botocore.session, botocore.parsers
            session = botocore.session.get_session()
            out = []
            for r in json.load(sys.stdin):
                model = session.get_service_model(r['service'])
                operation = model.operation_model(r['operation'])
                parser = botocore.parsers.create_parser(model.metadata['protocol'])
                parsed = parser.parse({'body': r['body'].encode(), 'headers': {}, 'status_code': 200}, operation.output_shape)
                parsed.pop('ResponseMetadata', None)
                out.append(parsed)
            print(json.dumps(out, separators=(',', ':')))
            """;
        var start = new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var python = Process.Start(start) ?? throw new InvalidOperationException("python3 not found");
        await python.StandardInput.WriteAsync(replies);
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        Assert.True(python.ExitCode == 0, errors);
        return await output;
    }
}
