using System.Text;
using Amazon.DynamoDBv2.Model;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// An item's size as DynamoDB counts it for the 400 KB item limit and for capacity units (AWS, "Item sizes and
/// formats"): each attribute's name in UTF-8 bytes plus its value: a string's UTF-8 bytes, a number's significant
/// digits, two to a byte, plus one byte; a map (a compact shard row's <c>x</c>) 3 bytes plus, per entry, its name, its
/// value and a byte. Only the types the usage table holds (S, N, M of S) are counted.
/// </summary>
public static class DynamoItemSize
{
    /// <summary>DynamoDB's largest item: 400 KB, names and values together.</summary>
    public const int MaxItemBytes = 400 * 1024;

    public static int Of(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Sum(a => Encoding.UTF8.GetByteCount(a.Key) + ValueBytes(a.Key, a.Value));
    }

    private static int ValueBytes(string name, AttributeValue value) => value switch
    {
        { S: { } s } => Encoding.UTF8.GetByteCount(s),
        { N: { } n } => NumberBytes(n),
        { M: { } m } => 3 + m.Sum(e => Encoding.UTF8.GetByteCount(e.Key) + ValueBytes(name, e.Value) + 1),
        _ => throw new ArgumentException($"attribute '{name}': only S, N and M are sized here", nameof(value)),
    };

    /// <summary>Write units of one put: 1 per KB, rounded up, per item.</summary>
    public static int WriteUnits(int itemBytes) => Math.Max(1, (itemBytes + 1023) / 1024);

    /// <summary>
    /// Read units of one Query page: the items' sizes summed, then rounded up to 4 KB; half of that for an eventually
    /// consistent read. A page that matches nothing still costs the minimum.
    /// </summary>
    public static double QueryReadUnits(IEnumerable<int> itemBytes, bool consistent)
    {
        ArgumentNullException.ThrowIfNull(itemBytes);
        var units = Math.Max(1, (itemBytes.Sum() + 4095) / 4096);
        return consistent ? units : units / 2.0;
    }

    private static int NumberBytes(string number)
    {
        var mantissa = number.Split('e', 'E')[0];
        var digits = mantissa.Where(char.IsAsciiDigit).SkipWhile(c => c == '0').ToArray();
        var significant = new string(digits).TrimEnd('0').Length; // leading and trailing zeros are not stored
        return (significant + 1) / 2 + 1;
    }
}
