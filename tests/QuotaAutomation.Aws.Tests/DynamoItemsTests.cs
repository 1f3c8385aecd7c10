using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Aws.Tests;

/// <summary>How a hand-edited DynamoDB attribute reaches the rule parser.</summary>
public sealed class DynamoItemsTests
{
    public static TheoryData<AttributeValue, string> Unsupported => new()
    {
        { new AttributeValue { B = new MemoryStream([1, 2, 3]) }, "a DynamoDB binary (B)" },
        { new AttributeValue { BS = [new MemoryStream([1])] }, "a DynamoDB binary set (BS)" },
        { new AttributeValue { SS = ["70"] }, "a DynamoDB string set (SS)" },
        { new AttributeValue { NS = ["70", "80"] }, "a DynamoDB number set (NS)" },
        { new AttributeValue(), "a DynamoDB value of no type this parser knows" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void ToPlain_SetOrBinary_IsAnUnsupportedValue_NotNull(AttributeValue value, string what)
    {
        Assert.Equal(new UnsupportedValue(what), DynamoItems.ToPlain(value));
    }

    [Fact]
    public void ToPlain_TypedScalars_KeepTheirType()
    {
        Assert.Equal(("x", 65.0, true, null), (DynamoItems.ToPlain(new AttributeValue { S = "x" }), DynamoItems.ToPlain(new AttributeValue { N = "65" }),
            DynamoItems.ToPlain(new AttributeValue { BOOL = true }), DynamoItems.ToPlain(new AttributeValue { NULL = true })));
        Assert.Equal(new object?[] { 5.0 }, DynamoItems.ToPlain(new AttributeValue { L = [new AttributeValue { N = "5" }] }));
    }
}
