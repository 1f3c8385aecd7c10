using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Quotas;

public sealed class RegionNameTests
{
    [Theory]
    [InlineData("us-east-1")]
    [InlineData("ap-southeast-5")]
    [InlineData("us-gov-west-1")]
    [InlineData("us-isob-east-1")]
    [InlineData("eu-central-12")]
    public void RegionsInAwsPartitionForm_AreValid(string region) => Assert.True(RegionName.IsValid(region));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("US-EAST-1")]
    [InlineData("us-east")]
    [InlineData("us-east-1a")]
    [InlineData("a-b-c")]
    [InlineData("us-east-123")]
    [InlineData("*")]
    [InlineData("us-east-1\n")] // '$' would let a trailing newline through
    public void AnythingElse_IsNot(string? text) => Assert.False(RegionName.IsValid(text));
}
