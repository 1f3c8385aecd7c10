using QuotaAutomation.Lambda;

namespace QuotaAutomation.Lambda.Tests;

public partial class LambdaSettingsTests
{
    private static readonly Dictionary<string, string> Valid = new()
    {
        ["QA_RULES_TABLE"] = "quota-automation-rules",
        ["QA_USAGE_TABLE"] = "quota-automation-usage",
        ["QA_AUDIT_TABLE"] = "quota-automation-audit",
        ["QA_STATE_TABLE"] = "quota-automation-state",
        ["QA_EVENTS_TABLE"] = "quota-automation-events",
        ["QA_POLICIES_TABLE"] = "quota-automation-policies",
        ["QA_ALERT_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:quota-alerts",
        ["QA_APPROVAL_STATE_MACHINE_ARN"] = "arn:aws:states:us-east-1:123456789012:stateMachine:quota-approval",
        ["QA_TIME_BUDGET_SECONDS"] = "240",
        ["AWS_REGION"] = "us-east-1",
    };

    [Fact]
    public void FromEnvironment_Valid_ReadsEverySetting()
    {
        var settings = LambdaSettings.FromEnvironment(Valid.GetValueOrDefault).Value;

        Assert.Equal((TimeSpan.FromSeconds(240), TimeSpan.FromHours(6), "quota-automation-events", true), (settings.TimeBudget, settings.AlertCoolDown, settings.Backend.EventsTable, settings.UseModel));
    }

    [Fact]
    public void FromEnvironment_SeveralBad_ListsEveryOne()
    {
        var env = new Dictionary<string, string>(Valid)
        {
            ["QA_ALERT_TOPIC_ARN"] = "quota-alerts",
            ["QA_TIME_BUDGET_SECONDS"] = "4 minutes",
            ["QA_ALERT_COOLDOWN_MINUTES"] = "-1",
            ["QA_ENDPOINT_URL"] = "localhost:5000",
            ["QA_FORECASTER"] = "oracle",
        };
        env.Remove("QA_STATE_TABLE");
        env.Remove("AWS_REGION");

        Assert.Equal("invalid settings: QA_STATE_TABLE is missing; QA_ALERT_TOPIC_ARN 'quota-alerts' must be an sns ARN (arn:aws:sns:REGION:ACCOUNT:…); "
            + "QA_TIME_BUDGET_SECONDS '4 minutes' must be a whole number from 10 to 900; QA_ALERT_COOLDOWN_MINUTES '-1' must be a whole number from 0 to 10080; "
            + "QA_ENDPOINT_URL 'localhost:5000' must be an absolute http or https URL; AWS_REGION is missing (the Lambda runtime sets it); "
            + "QA_FORECASTER 'oracle' must be model or trend",
            LambdaSettings.FromEnvironment(env.GetValueOrDefault).Error);
    }

    [Fact]
    public void FromEnvironment_WithoutThePoliciesTable_Refuses_ForTheFunctionWouldRunUngoverned()
    {
        var env = new Dictionary<string, string>(Valid);
        env.Remove("QA_POLICIES_TABLE");

        Assert.Equal("invalid settings: QA_POLICIES_TABLE is missing", LambdaSettings.FromEnvironment(env.GetValueOrDefault).Error);
        Assert.Equal("quota-automation-policies", LambdaSettings.FromEnvironment(Valid.GetValueOrDefault).Value.Backend.PoliciesTable);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("table", false)]
    [InlineData("price_list", true)]
    public void FromEnvironment_Prices_AreTheTableUnlessThePriceListIsAsked(string? prices, bool priceList)
    {
        var env = new Dictionary<string, string>(Valid);
        if (prices is not null) env["QA_PRICES"] = prices;

        Assert.Equal(priceList, LambdaSettings.FromEnvironment(env.GetValueOrDefault).Value.Backend.PriceList);
        Assert.Equal("invalid settings: QA_PRICES 'live' must be table or price_list",
            LambdaSettings.FromEnvironment(new Dictionary<string, string>(Valid) { ["QA_PRICES"] = "live" }.GetValueOrDefault).Error);
    }

    [Fact]
    public void Handler_LoadsTheShippedModelFromItsPackage()
    {
        using var logs = new StringWriter();

        var forecaster = Handler.Forecaster(new LambdaLog(logs, TimeProvider.System, "test"));

        Assert.Equal("fasttree", forecaster.Name);
        Assert.Equal("", logs.ToString());
    }

    [Fact]
    public void TerraformModule_SetsEveryRequiredSetting_AndOnlySettingsThatExist_ForTheHandlerThatExists()
    {
        var lambda = File.ReadAllText(Path.Combine(Testing.Repository.Root, "terraform", "lambda.tf"));
        var environment = System.Text.RegularExpressions.Regex.Match(lambda, @"variables = (?:merge\()?\{(.*?)\}", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value;
        var set = System.Text.RegularExpressions.Regex.Matches(environment, @"(QA_\w+)\s*=").Select(m => m.Groups[1].Value).ToHashSet();
        var read = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(Testing.Repository.Root, "src", "QuotaAutomation.Lambda", "LambdaSettings.cs")), "\"(QA_\\w+)\"")
            .Select(m => m.Groups[1].Value).ToHashSet();
        var handler = System.Text.RegularExpressions.Regex.Match(lambda, "handler += \"([^\"]+)\"").Groups[1].Value.Split("::");

        Assert.Empty(Valid.Keys.Where(k => k != "AWS_REGION").Except(set)); // AWS_REGION: set by the runtime
        Assert.Empty(set.Except(read));
        Assert.Contains("runtime          = \"dotnet10\"", lambda, StringComparison.Ordinal);
        Assert.Equal([typeof(Handler).Assembly.GetName().Name!, typeof(Handler).FullName!], handler[..2]);
        Assert.NotNull(typeof(Handler).GetMethod(handler[2]));
    }

    [Fact]
    public void FromEnvironment_ApprovalDoor_DefaultsToIamOnly_WithNoApprovers()
    {
        var settings = LambdaSettings.FromEnvironment(Valid.GetValueOrDefault).Value;

        Assert.Equal((false, 0, FunctionRole.All), (settings.SignedLinks, settings.Approvers!.Count, settings.Role));
    }

    [Fact]
    public void FromEnvironment_ApprovalDoor_ReadsApproversLinksAndRole()
    {
        var env = new Dictionary<string, string>(Valid)
        {
            ["QA_APPROVERS"] = "arn:aws:sts::123456789012:assumed-role/QuotaApprovers/*,arn:aws:iam::123456789012:user/bob",
            ["QA_APPROVAL_LINKS"] = "signed",
            ["QA_LINK_KEY_ID"] = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ["QA_APPROVAL_URL"] = "https://abcdefghij.lambda-url.us-east-1.on.aws",
            ["QA_SERVES"] = "approval_links",
        };

        var settings = LambdaSettings.FromEnvironment(env.GetValueOrDefault).Value;

        Assert.Equal(["arn:aws:sts::123456789012:assumed-role/QuotaApprovers/*", "arn:aws:iam::123456789012:user/bob"], settings.Approvers);
        Assert.Equal((true, "https://abcdefghij.lambda-url.us-east-1.on.aws/", FunctionRole.ApprovalLinks), (settings.SignedLinks, settings.ApprovalUrl!.ToString(), settings.Role));
    }

    [Fact]
    public void FromEnvironment_ApprovalDoor_EveryBadSettingIsNamed()
    {
        var env = new Dictionary<string, string>(Valid) { ["QA_APPROVERS"] = "alice", ["QA_APPROVAL_LINKS"] = "signed", ["QA_SERVES"] = "everything" };

        var result = LambdaSettings.FromEnvironment(env.GetValueOrDefault);

        Assert.Equal("invalid settings: QA_APPROVERS: 'alice' is not an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, * and ? allowed); " +
            "QA_LINK_KEY_ID is missing: QA_APPROVAL_LINKS=signed needs the KMS HMAC_256 key that signs the links; " +
            "QA_SERVES 'everything' must be all, cycle or approval_links; " +
            "QA_APPROVAL_URL is missing: QA_APPROVAL_LINKS=signed needs the approval function's URL to put in the links", result.Error);
    }

    [Fact]
    public void FromEnvironment_ApprovalFunctionWithSignedLinks_NeedsTheKeyButNotTheUrl()
    {
        // As terraform/approval_function.tf sets it: it verifies links; only the cycle function's ask task writes them.
        var env = new Dictionary<string, string>(Valid)
        {
            ["QA_SERVES"] = "approval_links", ["QA_APPROVAL_LINKS"] = "signed", ["QA_APPROVAL_URL"] = "",
            ["QA_LINK_KEY_ID"] = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        };

        var settings = LambdaSettings.FromEnvironment(env.GetValueOrDefault);

        Assert.Equal((true, true, (Uri?)null), (settings.Success, settings.Success && settings.Value.SignedLinks, settings.Success ? settings.Value.ApprovalUrl : null));
    }
}
