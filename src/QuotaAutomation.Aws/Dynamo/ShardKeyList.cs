using System.Security.Cryptography;
using System.Text;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// The ordered quota list a compact shard usage row's values follow (<see cref="ShardRow"/>): its quotas'
/// <c>{service}/{code}</c> sorted ordinally, stored once per shard as an immutable item of the usage table,
/// <c>quota</c> = <c>keys#{account}#{region}</c>, <c>ts</c> = <see cref="Id"/>, <c>q</c> = <see cref="Text"/>.
/// </summary>
/// <remarks>
/// Content-addressed: the id is the first 52 bits of the text's SHA-256 (a DynamoDB number a double holds exactly), so
/// two writers of the same list write the same item, a row's list never changes under it, and a container may keep every
/// list it has seen for its life. Two different lists of one shard with the same id would need about 2^26 lists in that
/// shard; a put that finds another text at its id fails rather than overwrite it.
/// </remarks>
internal sealed class ShardKeyList
{
    private readonly Dictionary<string, int> _positions;

    private ShardKeyList(IReadOnlyList<string> ids, string text)
    {
        Ids = ids;
        Text = text;
        _positions = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        Id = (long)(BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0) >> 12);
    }

    public IReadOnlyList<string> Ids { get; }

    /// <summary>The ids joined by <c>;</c>: the item's <c>q</c>.</summary>
    public string Text { get; }

    public long Id { get; }

    public int Count => Ids.Count;

    /// <summary>The list of <paramref name="ids"/>, each once, sorted ordinally: the same quotas make the same list.</summary>
    public static ShardKeyList Of(IEnumerable<string> ids)
    {
        var sorted = ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new ShardKeyList(sorted, string.Join(';', sorted));
    }

    /// <summary>A stored item's list: its <c>q</c> as written (not re-sorted: the row's positions are the stored order).</summary>
    public static ShardKeyList Parse(string text) => new(text.Length == 0 ? [] : text.Split(';'), text);

    public bool Contains(string id) => _positions.ContainsKey(id);

    public bool Covers(IEnumerable<string> ids) => ids.All(Contains);

    /// <summary>The partition of a shard's key lists (<paramref name="shardId"/> is <see cref="ShardRow.ShardId"/>'s).</summary>
    public static string Partition(string shardId) => "keys#" + shardId["shard#".Length..];
}
