using QuotaAutomation.Core.Approvals;

namespace QuotaAutomation.Core.Tests.Approvals;

public sealed class SignedLinkTests
{
    private static readonly DateTimeOffset Expires = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Message_BindsApprovalActionExpiryAndNonce_OneFieldALine()
    {
        var link = new SignedLink("apr-0123", "approve", Expires, "n1", "mac");

        Assert.Equal("quota-automation-link-v1\napr-0123\napprove\n1795780800\nn1", link.Message);
        Assert.NotEqual(link.Message, link with { Action = "deny" } is var deny ? deny.Message : "");
    }

    [Fact]
    public void From_ReadsWhatQueryWrote_WithPlusSignsRestoredInTheMac()
    {
        var link = new SignedLink("apr-0123", "deny", Expires, "n1", "ab+c/d=");
        var fields = link.Query().Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));

        Assert.Equal(link, SignedLink.From("apr-0123", fields.GetValueOrDefault));
        Assert.Equal(link, SignedLink.From("apr-0123", name => name == "sig" ? "ab c/d=" : fields.GetValueOrDefault(name))); // '+' read as a space
    }

    [Theory]
    [InlineData("action")]
    [InlineData("exp")]
    [InlineData("nonce")]
    [InlineData("sig")]
    public void From_AnyFieldMissing_IsNoLink(string missing)
    {
        var fields = new Dictionary<string, string> { ["action"] = "approve", ["exp"] = "1795780800", ["nonce"] = "n1", ["sig"] = "mac" };
        fields.Remove(missing);

        Assert.Null(SignedLink.From("apr-0123", fields.GetValueOrDefault));
    }

    [Theory]
    [InlineData("action", "approve_everything")]
    [InlineData("exp", "-1")]
    [InlineData("exp", "99999999999999999999")]
    [InlineData("nonce", "n1\napr-other")]
    public void From_MalformedField_IsNoLink(string field, string value)
    {
        var fields = new Dictionary<string, string> { ["action"] = "approve", ["exp"] = "1795780800", ["nonce"] = "n1", ["sig"] = "mac", [field] = value };

        Assert.Null(SignedLink.From("apr-0123", fields.GetValueOrDefault));
    }

    [Fact]
    public void ApprovalIds_Are128BitsOfHex_FromTheInjectedSource()
    {
        var first = ApprovalIds.Seeded(new Random(7));
        var again = ApprovalIds.Seeded(new Random(7));

        var ids = Enumerable.Range(0, 3).Select(_ => first()).ToList();

        Assert.All(ids, id => Assert.Matches("^apr-[0-9a-f]{32}$", id));
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids[0], again());
    }
}
