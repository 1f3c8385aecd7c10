using System.Collections;

namespace QuotaAutomation.Core.Common;

/// <summary>The first <c>count</c> items of a list, without copying them (a history is thousands of samples, read per rule).</summary>
internal sealed class ListPrefix<T> : IReadOnlyList<T>
{
    private readonly IReadOnlyList<T> _list;

    public ListPrefix(IReadOnlyList<T> list, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, list.Count);
        _list = list;
        Count = count;
    }

    public int Count { get; }

    public T this[int index] => (uint)index < (uint)Count ? _list[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return _list[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
