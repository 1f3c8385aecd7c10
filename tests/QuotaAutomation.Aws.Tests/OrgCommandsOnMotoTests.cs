using System.Text.Json;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <c>quota-automation org show --backend aws</c> on an organization boto3 built on moto_server. The template and
/// Automatic Management commands call operations moto lacks; their adapters are tested on a fake (QuotaTemplateTests).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class OrgCommandsOnMotoTests(MotoServer moto)
{
    private const string BuildOrganization = """
        import boto3, json
        o = boto3.client("organizations", endpoint_url=endpoint)
        org = o.create_organization(FeatureSet="ALL")["Organization"]
        root = o.list_roots()["Roots"][0]["Id"]
        prod = o.create_organizational_unit(ParentId=root, Name="Prod")["OrganizationalUnit"]["Id"]
        web = o.create_organizational_unit(ParentId=prod, Name="Web")["OrganizationalUnit"]["Id"]
        def account(parent, name):
            a = o.create_account(Email=name + "@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
            o.move_account(AccountId=a, SourceParentId=root, DestinationParentId=parent)
            return a
        shop = account(web, "shop")
        old = account(prod, "old")
        o.close_account(AccountId=old)
        print(json.dumps({"org": org["Id"], "management": org["MasterAccountId"], "root": root, "prod": prod, "web": web, "shop": shop, "old": old}))
        """;

    private async Task<Dictionary<string, string>> OrganizationAsync()
    {
        await moto.ResetAsync();
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(await Boto3.RunAsync(moto, BuildOrganization))!;
    }

    [Fact]
    public async Task OrgShow_Json_GivesEachAccountItsStateAndParents()
    {
        var ids = await OrganizationAsync();

        var (exit, stdout, _) = await Testing.CliRunner.RunSplitAsync(["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "eu-west-1", "org", "show", "--output", "json"], TimeProvider.System);

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(stdout);
        var root = document.RootElement;
        Assert.Equal((ids["org"], ids["management"]), (root.GetProperty("organization_id").GetString(), root.GetProperty("management_account_id").GetString()));
        var accounts = root.GetProperty("accounts").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!);
        Assert.Equal(3, accounts.Count);
        Assert.Equal(("shop", "active", $"{ids["root"]},{ids["prod"]},{ids["web"]}"), (accounts[ids["shop"]].GetProperty("name").GetString(),
            accounts[ids["shop"]].GetProperty("state").GetString(), string.Join(',', accounts[ids["shop"]].GetProperty("parents").EnumerateArray().Select(p => p.GetString()))));
        Assert.Equal("suspended", accounts[ids["old"]].GetProperty("state").GetString());
    }

    [Fact]
    public async Task OrgShow_Table_MarksTheManagementAccount_AndCountsStates()
    {
        var ids = await OrganizationAsync();

        var (exit, output) = await Testing.CliRunner.RunAsync(["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", "org", "show"], TimeProvider.System);

        Assert.Equal(0, exit);
        Assert.Contains($"{ids["management"]} (management)", output, StringComparison.Ordinal);
        Assert.Contains($"{ids["root"]} / {ids["prod"]} / {ids["web"]}", output, StringComparison.Ordinal);
        Assert.Contains($"organization {ids["org"]}: 3 accounts (2 active, 1 suspended) in 2 OUs holding accounts; only active accounts are governed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgTemplateSync_OnTheEmbeddedBackend_IsRefused_ExitTwo()
    {
        var (exit, output) = await Testing.CliRunner.RunAsync(["org", "template", "sync"], TimeProvider.System);

        Assert.Equal((2, "error: org template sync changes AWS: use --backend aws"), (exit, output.Trim()));
    }
}
