using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Tests.Common;

public class EchoTests
{
    [Theory]
    [InlineData("ec2-vcpu", "ec2-vcpu")]
    [InlineData("Zoë's quota — 東京 🚀", "Zoë's quota — 東京 🚀")]
    [InlineData("a\nforged line", @"a\nforged line")]
    [InlineData("a\r\nb\tc", @"a\r\nb\tc")]
    [InlineData("\u001b[31mred", @"\u001b[31mred")]
    [InlineData("next\u0085line\u2028sep\u2029para", @"next\u0085line\u2028sep\u2029para")]
    [InlineData("abc\u202Efed", @"abc\u202efed")]
    [InlineData("\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C", @"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c")]
    [InlineData(@"typed \n stays", @"typed \n stays")]
    public void Of_ControlBidiAndLoneSurrogates_BecomeVisibleEscapes(string text, string expected)
    {
        Assert.Equal(expected, Echo.Of(text));
    }

    [Theory]
    [InlineData("a\nb\u202Ec")]
    [InlineData("plain")]
    public void Of_IsIdempotent(string text)
    {
        Assert.Equal(Echo.Of(text), Echo.Of(Echo.Of(text)));
    }

    [Fact]
    public void Of_LoneSurrogates_BecomeVisibleEscapes_AndPairsStay()
    {
        var text = new string(['x', '\uD800', 'y', '\uDC00', '\uD83D', '\uDE80']); // a lone high, a lone low, then 🚀

        Assert.Equal(@"x\ud800y\udc00🚀", Echo.Of(text));
    }

    [Fact]
    public void Of_Null_IsEmpty()
    {
        Assert.Equal("", Echo.Of(null));
    }
}
