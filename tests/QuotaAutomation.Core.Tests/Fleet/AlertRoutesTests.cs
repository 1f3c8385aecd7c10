using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class AlertRoutesTests
{
    private const string Root = "r-ab12";
    private const string Workloads = "ou-ab12-11111111";
    private const string Prod = "ou-ab12-22222222";
    private const string TeamTopic = "arn:aws:sns:us-east-1:111111111111:workloads";
    private const string ProdTopic = "arn:aws:sns:us-east-1:111111111111:prod";
    private const string OwnerTopic = "arn:aws:sns:us-east-1:111111111111:owner";
    private const string OrgTopic = "arn:aws:sns:us-east-1:111111111111:everyone";

    private static readonly AlertRoutes Routes = AlertRoutes.Parse("QA_ALERT_ROUTES",
        $$"""{"{{Workloads}}":"{{TeamTopic}}","{{Prod}}":"{{ProdTopic}}","222222222222":"{{OwnerTopic}}"}""").Value;

    [Fact]
    public void TopicFor_AccountRouted_AccountWinsOverItsOus() =>
        Assert.Equal(OwnerTopic, Routes.TopicFor("222222222222", [Root, Workloads, Prod]));

    [Fact]
    public void TopicFor_NestedOus_DeepestWins() =>
        Assert.Equal(ProdTopic, Routes.TopicFor("333333333333", [Root, Workloads, Prod]));

    [Fact]
    public void TopicFor_OnlyOuterOuRouted_OuterOu() =>
        Assert.Equal(TeamTopic, Routes.TopicFor("333333333333", [Root, Workloads]));

    [Fact]
    public void TopicFor_NothingRouted_NullForTheDefaultTopic() =>
        Assert.Null(Routes.TopicFor("444444444444", [Root]));

    [Fact]
    public void TopicFor_RootRouted_CatchesEveryAccount() =>
        Assert.Equal(OrgTopic, AlertRoutes.Parse("QA_ALERT_ROUTES", $$"""{"{{Root}}":"{{OrgTopic}}"}""").Value.TopicFor("444444444444", [Root]));

    [Fact]
    public void NeedsParents_AccountRoutesOnly_False() =>
        Assert.False(AlertRoutes.Parse("QA_ALERT_ROUTES", $$"""{"222222222222":"{{OwnerTopic}}"}""").Value.NeedsParents);

    [Fact]
    public void NeedsParents_AnOuRoute_True() => Assert.True(Routes.NeedsParents);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_Absent_NoRoutes(string? json) => Assert.Empty(AlertRoutes.Parse("QA_ALERT_ROUTES", json).Value.Routes);

    [Fact]
    public void Parse_EveryBadEntry_NamedAtOnce()
    {
        var parsed = AlertRoutes.Parse("QA_ALERT_ROUTES",
            """{"ou-x":"arn:aws:sns:us-east-1:111111111111:a","12345678901":"arn:aws:sns:us-east-1:111111111111:a","222222222222":"arn:aws:sqs:us-east-1:111111111111:q","333333333333":7,"444444444444":"arn:aws:sns:us-east-1:111111111111:a","444444444444":"arn:aws:sns:us-east-1:111111111111:b"}""");

        Assert.Equal("QA_ALERT_ROUTES: 'ou-x' is not an account id (12 digits), an OU id (ou-…) or a root id (r-…); "
            + "'12345678901' is not an account id (12 digits), an OU id (ou-…) or a root id (r-…); "
            + "'222222222222': 'arn:aws:sqs:us-east-1:111111111111:q' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME); "
            + "'333333333333': '7' is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME); "
            + "'444444444444' is routed twice", parsed.Error);
    }

    [Fact]
    public void Parse_NotAnObject_Named() =>
        Assert.Equal("QA_ALERT_ROUTES must be a JSON object of account id, OU id or root id → SNS topic ARN, not a JSON Array",
            AlertRoutes.Parse("QA_ALERT_ROUTES", "[]").Error);

    [Fact]
    public void Parse_NotJson_Named() =>
        Assert.StartsWith("QA_ALERT_ROUTES is not JSON: ", AlertRoutes.Parse("QA_ALERT_ROUTES", "{").Error);
}
