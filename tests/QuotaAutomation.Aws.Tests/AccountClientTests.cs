using System.Net;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The Account API. moto 5.2.1 serves Put/Get/DeleteAlternateContact (so the contact is written with boto3 and read
/// with ours); it lacks ListRegions, which is faked at the HTTP transport with the model's reply shape
/// (<see cref="BotocoreModel.CheckOutput"/> checks every canned reply).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class AccountClientTests(MotoServer moto)
{
    private const string Member = "210987654321";

    [Fact]
    public async Task OperationsContact_OfAMemberAccount_IsReadAsBoto3WroteIt()
    {
        await moto.ResetAsync();
        await Boto3.RunAsync(moto, $"""
            import boto3
            boto3.client("account", endpoint_url=endpoint).put_alternate_contact(AccountId="{Member}", AlternateContactType="OPERATIONS",
                Name="Ops On Call", Title="SRE", EmailAddress="ops@example.com", PhoneNumber="+1 555 0100")
            """);
        using var account = new AccountClient(moto.Options());

        var contact = await new AwsAlternateContacts(account, "123456789012").OperationsAsync(Member, CancellationToken.None);

        Assert.Equal(("Ops On Call", "ops@example.com", "OPERATIONS"), (contact?.Name, contact?.EmailAddress, contact?.AlternateContactType));
    }

    [Fact]
    public async Task OperationsContact_NotSet_IsNull_FromTheServicesResourceNotFound()
    {
        await moto.ResetAsync();
        using var account = new AccountClient(moto.Options());

        var direct = await Assert.ThrowsAsync<AwsServiceException>(() =>
            account.GetAlternateContactAsync(new() { AlternateContactType = "OPERATIONS", AccountId = Member }, CancellationToken.None));
        var contact = await new AwsAlternateContacts(account, "123456789012").OperationsAsync(Member, CancellationToken.None);

        Assert.Equal("GetAlternateContact: ResourceNotFoundException: No contact of the inputted alternate contact type found.", direct.Message);
        Assert.Null(contact);
    }

    [Fact]
    public async Task OperationsContact_OfTheCallersOwnAccount_IsAskedWithoutAccountId()
    {
        var handler = new ScriptedHandler(() => Reply("GetAlternateContact", """{"AlternateContact":{"AlternateContactType":"OPERATIONS","EmailAddress":"hub@example.com","Name":"Hub","PhoneNumber":"+1 555 0101","Title":"Ops"}}"""));
        using var account = new AccountClient(Options(handler));

        var contact = await new AwsAlternateContacts(account, "123456789012").OperationsAsync("123456789012", CancellationToken.None);

        Assert.Equal("hub@example.com", contact?.EmailAddress);
        Assert.Equal("""{"AlternateContactType":"OPERATIONS"}""", Assert.Single(handler.Seen).Body); // the API refuses the caller's own AccountId
    }

    [Fact]
    public async Task EnabledRegions_PageThroughListRegions_AndAreKeptWhileFresh()
    {
        var handler = new ScriptedHandler(
            () => Reply("ListRegions", """{"Regions":[{"RegionName":"us-east-1","RegionOptStatus":"ENABLED_BY_DEFAULT"},{"RegionName":"eu-south-1","RegionOptStatus":"ENABLED"}],"NextToken":"p2"}"""),
            () => Reply("ListRegions", """{"Regions":[{"RegionName":"ap-east-1","RegionOptStatus":"ENABLED"}]}"""),
            () => Reply("ListRegions", """{"Regions":[{"RegionName":"us-east-1","RegionOptStatus":"ENABLED_BY_DEFAULT"}]}"""));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        using var account = new AccountClient(Options(handler));
        var regions = new AwsEnabledRegions(account, "123456789012", time);

        var first = await regions.ForAsync(Member, CancellationToken.None);
        time.Advance(TimeSpan.FromHours(23));
        var cached = await regions.ForAsync(Member, CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        var refreshed = await regions.ForAsync(Member, CancellationToken.None);

        Assert.Equal(["ap-east-1", "eu-south-1", "us-east-1"], first);
        Assert.Same(first, cached);
        Assert.Equal(["us-east-1"], refreshed);
        Assert.Equal(3, handler.Seen.Count);
        Assert.Equal("""{"AccountId":"210987654321","MaxResults":50,"NextToken":"p2","RegionOptStatusContains":["ENABLED","ENABLED_BY_DEFAULT"]}""", handler.Seen[1].Body);
    }

    [Fact]
    public async Task EnabledRegions_AReplyRepeatingItsToken_IsMalformed_NotAnEndlessListing()
    {
        var handler = new ScriptedHandler { Otherwise = _ => Reply("ListRegions", """{"Regions":[],"NextToken":"same"}""") };
        using var account = new AccountClient(Options(handler));

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => new AwsEnabledRegions(account, null, TimeProvider.System).ForAsync(Member, CancellationToken.None));

        Assert.Equal("ListRegions: MalformedResponse: NextToken 'same' repeats the one sent: the listing would never end", e.Message);
        Assert.Equal(2, handler.Seen.Count);
    }

    [Fact]
    public async Task AccessDenied_IsTypedAndNotRetried()
    {
        // The Account API's REST-JSON error: status, x-amzn-ErrorType header, {"message"} body.
        var handler = new ScriptedHandler(() =>
        {
            var reply = ScriptedHandler.Json("""{"message":"User is not authorized to perform account:ListRegions"}""", HttpStatusCode.Forbidden);
            reply.Headers.Add("x-amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.account.v20210201/");
            return reply;
        });
        using var account = new AccountClient(Options(handler) with { MaxRetries = 3 });

        var e = await Assert.ThrowsAsync<AccessDeniedException>(() => account.ListRegionsAsync(new() { AccountId = Member }, CancellationToken.None));

        Assert.Equal("ListRegions: AccessDeniedException: User is not authorized to perform account:ListRegions", e.Message);
        Assert.Single(handler.Seen);
    }

    private static HttpResponseMessage Reply(string operation, string body)
    {
        Assert.Empty(BotocoreModel.Load("account").CheckOutput(operation, body));
        return ScriptedHandler.Json(body);
    }

    private static AwsClientOptions Options(ScriptedHandler handler) => new()
    {
        Region = RegionEndpoint.EUWest1,
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        MaxRetries = 0,
        Transport = handler,
    };
}
