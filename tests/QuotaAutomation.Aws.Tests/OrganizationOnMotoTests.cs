using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <see cref="AwsOrganization"/> reading an organization that boto3 built on moto_server: OUs, a nested OU, more
/// accounts in one OU than a page holds, and a closed account. moto 5.2.1 sends both <c>State</c> and <c>Status</c>
/// and closes an account straight to SUSPENDED (AWS passes through PENDING_CLOSURE to CLOSED); the other states and
/// the Status-only fallback are tested with canned replies checked against the model.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class OrganizationOnMotoTests(MotoServer moto)
{
    /// <summary>Root → Prod (23 accounts) → Web (1 account); Root → Sandbox (1 account, closed); the management account under the root.</summary>
    private const string BuildOrganization = """
        import boto3, json
        o = boto3.client("organizations", endpoint_url=endpoint)
        org = o.create_organization(FeatureSet="ALL")["Organization"]
        root = o.list_roots()["Roots"][0]["Id"]
        def ou(parent, name): return o.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]
        def account(parent, name):
            a = o.create_account(Email=name + "@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
            o.move_account(AccountId=a, SourceParentId=root, DestinationParentId=parent)
            return a
        prod = ou(root, "Prod"); web = ou(prod, "Web"); sandbox = ou(root, "Sandbox")
        ids = {"prod-%02d" % i: account(prod, "prod-%02d" % i) for i in range(23)}
        ids["web-1"] = account(web, "web-1")
        ids["sandbox-1"] = account(sandbox, "sandbox-1")
        o.close_account(AccountId=ids["sandbox-1"])
        print(json.dumps({"org": org["Id"], "management": org["MasterAccountId"], "root": root, "prod": prod, "web": web, "sandbox": sandbox, "accounts": ids}))
        """;

    [Fact]
    public async Task ReadAsync_WalksTheTree_GivingEachAccountItsPathAndState()
    {
        await moto.ResetAsync();
        using var built = JsonDocument.Parse(await Boto3.RunAsync(moto, BuildOrganization));
        var b = built.RootElement;
        string Id(string name) => b.GetProperty(name).GetString()!;
        string Account(string name) => b.GetProperty("accounts").GetProperty(name).GetString()!;
        using var client = new OrganizationsClient(moto.Options(region: "eu-west-1")); // a global service: any Region reads it

        var org = await new AwsOrganization(client).ReadAsync(CancellationToken.None);

        Assert.Equal((Id("org"), Id("management")), (org.Id, org.ManagementAccountId));
        Assert.Equal(26, org.Accounts.Count); // 25 created + the management account
        Assert.Equal(org.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal), org.Accounts.Select(a => a.Id));
        var byId = org.Accounts.ToDictionary(a => a.Id);
        Assert.Equal([Id("root")], byId[Id("management")].Parents);
        Assert.Equal([Id("root"), Id("prod")], byId[Account("prod-22")].Parents);
        Assert.Equal([Id("root"), Id("prod"), Id("web")], byId[Account("web-1")].Parents);
        Assert.Equal(("web-1", AccountState.Active), (byId[Account("web-1")].Name, byId[Account("web-1")].State));
        Assert.Equal(AccountState.Suspended, byId[Account("sandbox-1")].State);
        Assert.Equal(23, org.Accounts.Count(a => a.Parents.SequenceEqual([Id("root"), Id("prod")])));
    }

    [Fact]
    public async Task ReadAsync_WithoutAnOrganization_SaysSo()
    {
        await moto.ResetAsync();
        using var client = new OrganizationsClient(moto.Options());

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => new AwsOrganization(client).ReadAsync(CancellationToken.None));

        Assert.Equal("AWSOrganizationsNotInUseException", e.ErrorCode);
    }

    [Theory]
    [InlineData("""{"Id":"111111111111","Name":"a","State":"PENDING_CLOSURE","Status":"PENDING_CLOSURE"}""", AccountState.PendingClosure)]
    [InlineData("""{"Id":"111111111111","Name":"a","State":"CLOSED"}""", AccountState.Closed)]
    [InlineData("""{"Id":"111111111111","Name":"a","State":"SUSPENDED","Status":"ACTIVE"}""", AccountState.Suspended)] // State wins
    [InlineData("""{"Id":"111111111111","Name":"a","Status":"SUSPENDED"}""", AccountState.Suspended)] // an older reply: Status alone
    [InlineData("""{"Id":"111111111111","Name":"a","Status":"ACTIVE"}""", AccountState.Active)]
    public void Read_TakesStateThenStatus(string account, AccountState expected)
    {
        Assert.Empty(BotocoreModel.Load("organizations").CheckOutput("ListAccountsForParent", $$"""{"Accounts":[{{account}}]}"""));

        var read = AwsOrganization.Read(JsonSerializer.Deserialize<Clients.Account>(account, AwsJson.Pascal)!, ["r-ab12"]);

        Assert.Equal(expected, read?.State);
    }

    [Theory]
    [InlineData("""{"Id":"111111111111","Name":"a","State":"PENDING_ACTIVATION"}""")]
    [InlineData("""{"Id":"111111111111","Name":"a"}""")]
    public void Read_AnAccountNotYetActiveOrOfNoKnownState_IsLeftOut_NotGuessedActive(string account)
    {
        Assert.Null(AwsOrganization.Read(JsonSerializer.Deserialize<Clients.Account>(account, AwsJson.Pascal)!, ["r-ab12"]));
    }

    [Fact]
    public async Task ReadAsync_PagesUntilNextTokenIsNull_EvenPastAnEmptyPage()
    {
        // AWS documents that a List* page may be empty and still carry a NextToken.
        var handler = new ScriptedHandler(
            () => Reply("DescribeOrganization", """{"Organization":{"Id":"o-abcdefghij","MasterAccountId":"123456789012","FeatureSet":"ALL"}}"""),
            () => Reply("ListRoots", """{"Roots":[{"Id":"r-ab12","Name":"Root"}]}"""),
            () => Reply("ListAccountsForParent", """{"Accounts":[],"NextToken":"t1"}"""),
            () => Reply("ListAccountsForParent", """{"Accounts":[{"Id":"123456789012","Name":"management","State":"ACTIVE"}]}"""),
            () => Reply("ListChildren", """{"Children":[],"NextToken":"c1"}"""),
            () => Reply("ListChildren", """{"Children":[]}"""));
        using var client = new OrganizationsClient(new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler });

        var org = await new AwsOrganization(client).ReadAsync(CancellationToken.None);

        Assert.Equal("123456789012", Assert.Single(org.Accounts).Id);
        Assert.Equal(6, handler.Seen.Count);
        Assert.Equal("""{"ParentId":"r-ab12","ChildType":"ORGANIZATIONAL_UNIT","NextToken":"c1","MaxResults":20}""", handler.Seen[5].Body);
    }

    [Fact]
    public async Task ReadAsync_WithEnabledRegions_AsksOnlyForActiveAccounts()
    {
        var organizations = new ScriptedHandler(
            () => Reply("DescribeOrganization", """{"Organization":{"Id":"o-abcdefghij","MasterAccountId":"123456789012","FeatureSet":"ALL"}}"""),
            () => Reply("ListRoots", """{"Roots":[{"Id":"r-ab12","Name":"Root"}]}"""),
            () => Reply("ListAccountsForParent", """{"Accounts":[{"Id":"123456789012","Name":"management","State":"ACTIVE"},{"Id":"210987654321","Name":"gone","State":"SUSPENDED"}]}"""),
            () => Reply("ListChildren", """{"Children":[]}"""));
        var account = new ScriptedHandler(() => ScriptedHandler.Json("""{"Regions":[{"RegionName":"eu-west-1","RegionOptStatus":"ENABLED_BY_DEFAULT"}]}"""));
        using var client = new OrganizationsClient(new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = organizations });
        using var accountClient = new AccountClient(new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = account });

        var org = await new AwsOrganization(client, new AwsEnabledRegions(accountClient, "123456789012", TimeProvider.System)).ReadAsync(CancellationToken.None);

        Assert.Equal(["eu-west-1"], org.Accounts.Single(a => a.Id == "123456789012").EnabledRegions);
        Assert.Null(org.Accounts.Single(a => a.Id == "210987654321").EnabledRegions);
        Assert.Equal("""{"MaxResults":50,"RegionOptStatusContains":["ENABLED","ENABLED_BY_DEFAULT"]}""", Assert.Single(account.Seen).Body); // the caller's own account: no AccountId
    }

    private static HttpResponseMessage Reply(string operation, string body)
    {
        Assert.Empty(BotocoreModel.Load("organizations").CheckOutput(operation, body));
        return ScriptedHandler.Json(body);
    }
}
