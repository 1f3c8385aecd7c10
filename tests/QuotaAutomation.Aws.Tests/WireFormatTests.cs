using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Every operation our thin clients send, checked against the botocore model on this machine: the operation exists,
/// the target prefix, JSON version and signing name match the model's metadata, every member is a real one with the
/// right JSON type, and every required member is there.
/// </summary>
public class WireFormatTests
{
    private static AwsClientOptions Options(ScriptedHandler handler) => new()
    {
        Region = RegionEndpoint.USWest2,
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        MaxRetries = 0,
        Transport = handler,
    };

    private static readonly DateTimeOffset T = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Calls => new()
    {
        { "service-quotas", "ListServiceQuotas" }, { "service-quotas", "GetServiceQuota" }, { "service-quotas", "GetAWSDefaultServiceQuota" },
        { "service-quotas", "RequestServiceQuotaIncrease" }, { "service-quotas", "GetRequestedServiceQuotaChange" },
        { "service-quotas", "ListRequestedServiceQuotaChangeHistoryByQuota" }, { "service-quotas", "CreateSupportCase" },
        { "cloudwatch", "GetMetricData" },
        { "stepfunctions", "StartExecution" }, { "stepfunctions", "DescribeExecution" }, { "stepfunctions", "SendTaskSuccess" }, { "stepfunctions", "SendTaskFailure" },
        { "support", "DescribeCases" }, { "support", "DescribeTrustedAdvisorChecks" }, { "support", "DescribeTrustedAdvisorCheckResult" },
        { "events", "PutEvents" },
        { "kms", "GenerateMac" }, { "kms", "VerifyMac" },
        { "organizations", "DescribeOrganization" }, { "organizations", "ListAccounts" }, { "organizations", "ListAccountsForParent" },
        { "organizations", "ListChildren" }, { "organizations", "ListParents" }, { "organizations", "ListRoots" },
        { "service-quotas", "PutServiceQuotaIncreaseRequestIntoTemplate" }, { "service-quotas", "ListServiceQuotaIncreaseRequestsInTemplate" },
        { "service-quotas", "DeleteServiceQuotaIncreaseRequestFromTemplate" }, { "service-quotas", "AssociateServiceQuotaTemplate" },
        { "service-quotas", "GetAssociationForServiceQuotaTemplate" },
        { "service-quotas", "StartAutoManagement" }, { "service-quotas", "GetAutoManagementConfiguration" }, { "service-quotas", "StopAutoManagement" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Request_ConformsToTheBotocoreModel(string service, string operation)
    {
        var handler = new ScriptedHandler();
        await SendAsync(operation, Options(handler));
        var model = BotocoreModel.Load(service);
        var seen = Assert.Single(handler.Seen);
        var metadata = model.Metadata;
        var signingName = metadata.TryGetProperty("signingName", out var s) ? s.GetString() : metadata.GetProperty("endpointPrefix").GetString();

        Assert.Empty(model.Check(operation, seen.Body));
        Assert.Equal($"{metadata.GetProperty("targetPrefix").GetString()}.{operation}", seen.Target);
        Assert.Equal($"application/x-amz-json-{metadata.GetProperty("jsonVersion").GetString()}", seen.ContentType);
        Assert.Contains($"/{signingName}/aws4_request", seen.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Organizations_GoesToThePartitionsGlobalEndpoint_SignedForUsEast1_WhateverTheRegion()
    {
        var handler = new ScriptedHandler();
        using var organizations = new OrganizationsClient(Options(handler)); // us-west-2

        await organizations.ListRootsAsync(new(), CancellationToken.None);

        var seen = Assert.Single(handler.Seen);
        Assert.Equal("https://organizations.us-east-1.amazonaws.com/", seen.Uri);
        Assert.Contains("/us-east-1/organizations/aws4_request", seen.Authorization, StringComparison.Ordinal);
    }

    /// <summary>The Account API is REST-JSON: a POST to the operation's path (from the model's <c>http.requestUri</c>), a plain JSON body, no target header.</summary>
    [Theory]
    [InlineData("GetAlternateContact")]
    [InlineData("ListRegions")]
    public async Task Account_PostsTheModelsPath_WithAConformingBody_ToTheGlobalEndpoint(string operation)
    {
        var handler = new ScriptedHandler();
        using var account = new AccountClient(Options(handler));
        var model = BotocoreModel.Load("account");

        if (operation == "GetAlternateContact")
            await account.GetAlternateContactAsync(new() { AlternateContactType = "OPERATIONS", AccountId = "210987654321" }, CancellationToken.None);
        else
            await account.ListRegionsAsync(new() { AccountId = "210987654321", MaxResults = 50, RegionOptStatusContains = ["ENABLED", "ENABLED_BY_DEFAULT"] }, CancellationToken.None);

        var seen = Assert.Single(handler.Seen);
        Assert.Empty(model.Check(operation, seen.Body));
        Assert.Equal("https://account.us-east-1.amazonaws.com" + model.RequestUri(operation), seen.Uri);
        Assert.Equal(("application/json", (string?)null), (seen.ContentType, seen.Target));
        Assert.Contains("/us-east-1/account/aws4_request", seen.Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelCheck_FindsUnknownMissingAndMistypedMembers()
    {
        var problems = BotocoreModel.Load("service-quotas").Check("RequestServiceQuotaIncrease", """{"ServiceCode":"ec2","DesiredValue":"384","Colour":"blue"}""");

        Assert.Equal([
            "RequestServiceQuotaIncrease.DesiredValue: expected a number",
            "RequestServiceQuotaIncrease.Colour is not a member of RequestServiceQuotaIncreaseRequest",
            "RequestServiceQuotaIncrease.QuotaCode is required by RequestServiceQuotaIncreaseRequest"], problems);
    }

    [Fact]
    public async Task SnsPublish_IsAQueryFormWithTheModelsVersion()
    {
        var handler = new ScriptedHandler { Otherwise = _ => ScriptedHandler.Text("<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>", System.Net.HttpStatusCode.OK, "text/xml") };
        using var sns = new SnsClient(Options(handler));

        var reply = await sns.PublishAsync(new PublishRequest { TopicArn = "arn:aws:sns:us-west-2:123456789012:alerts", Subject = new string('s', 120), Message = "quota at 91%" }, CancellationToken.None);

        var model = BotocoreModel.Load("sns");
        var seen = Assert.Single(handler.Seen);
        var form = seen.Body.Split('&').Select(p => p.Split('=')).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        Assert.Equal("m-1", reply.MessageId);
        Assert.Equal(("Publish", model.Metadata.GetProperty("apiVersion").GetString()), (form["Action"], form["Version"]));
        Assert.Equal(100, form["Subject"].Length); // SNS's subject limit
        Assert.Contains("/sns/aws4_request", seen.Authorization, StringComparison.Ordinal);
        Assert.Empty(model.Check("Publish", JsonSerializer.Serialize(form.Where(p => p.Key is not ("Action" or "Version")).ToDictionary())));
    }

    private static async Task SendAsync(string operation, AwsClientOptions o)
    {
        var ct = CancellationToken.None;
        using var quotas = new ServiceQuotasClient(o);
        using var cloudWatch = new CloudWatchClient(o);
        using var states = new StepFunctionsClient(o);
        using var support = new SupportClient(o);
        using var events = new EventBridgeClient(o);
        using var kms = new KmsClient(o);
        using var organizations = new OrganizationsClient(o);
        var task = operation switch
        {
            "ListServiceQuotas" => quotas.ListServiceQuotasAsync(new() { ServiceCode = "ec2", MaxResults = 100, NextToken = "t" }, ct),
            "GetServiceQuota" => quotas.GetServiceQuotaAsync(new("ec2", "L-1216C47A"), ct),
            "GetAWSDefaultServiceQuota" => quotas.GetAWSDefaultServiceQuotaAsync(new("ec2", "L-1216C47A"), ct),
            "RequestServiceQuotaIncrease" => quotas.RequestServiceQuotaIncreaseAsync(new() { ServiceCode = "ec2", QuotaCode = "L-1216C47A", DesiredValue = 384, SupportCaseAllowed = true }, ct),
            "GetRequestedServiceQuotaChange" => quotas.GetRequestedServiceQuotaChangeAsync(new("d187537d15254312a9609aa51EXAMPLE"), ct),
            "ListRequestedServiceQuotaChangeHistoryByQuota" => quotas.ListRequestedServiceQuotaChangeHistoryByQuotaAsync(new() { ServiceCode = "ec2", QuotaCode = "L-1216C47A", MaxResults = 100 }, ct),
            "CreateSupportCase" => quotas.CreateSupportCaseAsync(new("d187537d15254312a9609aa51EXAMPLE"), ct),
            "GetMetricData" => cloudWatch.GetMetricDataAsync(new()
            {
                MetricDataQueries = [Adapters.AwsUsageSource.ToQuery("q0", new Core.Quotas.UsageMetric("AWS/Usage", "ResourceCount",
                    new Dictionary<string, string> { ["Service"] = "EC2", ["Type"] = "Resource", ["Resource"] = "vCPU", ["Class"] = "Standard/OnDemand" }, "Maximum"))],
                StartTime = T.AddHours(-1), EndTime = T, ScanBy = "TimestampAscending",
            }, ct),
            "StartExecution" => states.StartExecutionAsync(new("arn:aws:states:us-west-2:123456789012:stateMachine:approval", "apr-1", "{}"), ct),
            "DescribeExecution" => states.DescribeExecutionAsync(new("arn:aws:states:us-west-2:123456789012:execution:approval:apr-1"), ct),
            "SendTaskSuccess" => states.SendTaskSuccessAsync(new("token", """{"approved":true}"""), ct),
            "SendTaskFailure" => states.SendTaskFailureAsync(new("token", "Denied", "not this quarter"), ct),
            "DescribeCases" => support.DescribeCasesAsync(new() { CaseIdList = ["case-1"], IncludeResolvedCases = true }, ct),
            "DescribeTrustedAdvisorChecks" => support.DescribeTrustedAdvisorChecksAsync(new("en"), ct),
            "DescribeTrustedAdvisorCheckResult" => support.DescribeTrustedAdvisorCheckResultAsync(new("eW7HH0l7J9", "en"), ct),
            "PutEvents" => events.PutEventsAsync(new([new PutEventsRequestEntry { Source = "quota-automation", DetailType = "Quota Threshold Exceeded", Detail = "{}", Time = T, EventBusName = "quota-events" }]), ct),
            "GenerateMac" => kms.GenerateMacAsync(new("arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", [1, 2, 3], "HMAC_SHA_256"), ct),
            "VerifyMac" => kms.VerifyMacAsync(new("arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", [1, 2, 3], "HMAC_SHA_256", [4, 5, 6]), ct),
            "DescribeOrganization" => organizations.DescribeOrganizationAsync(new(), ct),
            "ListAccounts" => organizations.ListAccountsAsync(new() { MaxResults = OrganizationsClient.MaxPageSize, NextToken = "t" }, ct),
            "ListAccountsForParent" => organizations.ListAccountsForParentAsync(new() { ParentId = "ou-ab12-cdefgh34", MaxResults = 20 }, ct),
            "ListChildren" => organizations.ListChildrenAsync(new() { ParentId = "r-ab12", ChildType = "ORGANIZATIONAL_UNIT", MaxResults = 20 }, ct),
            "ListParents" => organizations.ListParentsAsync(new() { ChildId = "123456789012", MaxResults = 20 }, ct),
            "ListRoots" => organizations.ListRootsAsync(new() { MaxResults = 20 }, ct),
            "PutServiceQuotaIncreaseRequestIntoTemplate" => quotas.PutServiceQuotaIncreaseRequestIntoTemplateAsync(new() { ServiceCode = "ec2", QuotaCode = "L-1216C47A", AwsRegion = "eu-west-1", DesiredValue = 256 }, ct),
            "ListServiceQuotaIncreaseRequestsInTemplate" => quotas.ListServiceQuotaIncreaseRequestsInTemplateAsync(new() { AwsRegion = "eu-west-1", MaxResults = 100 }, ct),
            "DeleteServiceQuotaIncreaseRequestFromTemplate" => quotas.DeleteServiceQuotaIncreaseRequestFromTemplateAsync(new("ec2", "L-1216C47A", "eu-west-1"), ct),
            "AssociateServiceQuotaTemplate" => quotas.AssociateServiceQuotaTemplateAsync(new(), ct),
            "GetAssociationForServiceQuotaTemplate" => quotas.GetAssociationForServiceQuotaTemplateAsync(new(), ct),
            "StartAutoManagement" => quotas.StartAutoManagementAsync(new() { OptInLevel = "ACCOUNT", OptInType = "NotifyOnly",
                ExclusionList = new Dictionary<string, IReadOnlyList<string>> { ["ec2"] = ["L-1216C47A"] } }, ct),
            "GetAutoManagementConfiguration" => quotas.GetAutoManagementConfigurationAsync(new(), ct),
            "StopAutoManagement" => quotas.StopAutoManagementAsync(new(), ct),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
        await task;
    }
}
