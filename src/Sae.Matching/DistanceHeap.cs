namespace Sae.Matching;

/// <summary>
/// A binary min-heap of (distance, column) for Dijkstra with lazy deletion: a column may be pushed
/// again with a smaller distance and the caller skips stale entries when popping. Ties on distance
/// pop the smaller column first, so the search order is fixed. Grows as needed; reused across searches.
/// </summary>
internal sealed class DistanceHeap
{
    private double[] _key = new double[64];
    private int[] _item = new int[64];

    /// <summary>Entries held (stale ones included).</summary>
    public int Count { get; private set; }

    /// <summary>The smallest distance held (Count must be positive).</summary>
    public double TopKey => _key[0];

    /// <summary>The column of the smallest entry.</summary>
    public int TopItem => _item[0];

    /// <summary>Removes every entry.</summary>
    public void Clear() => Count = 0;

    /// <summary>Adds an entry.</summary>
    public void Push(double key, int item)
    {
        if (Count == _key.Length)
        {
            Array.Resize(ref _key, Count * 2);
            Array.Resize(ref _item, Count * 2);
        }
        int pos = Count++;
        while (pos > 0)
        {
            int parent = (pos - 1) >> 1;
            if (!Less(key, item, _key[parent], _item[parent]))
                break;
            _key[pos] = _key[parent];
            _item[pos] = _item[parent];
            pos = parent;
        }
        _key[pos] = key;
        _item[pos] = item;
    }

    /// <summary>Removes the smallest entry.</summary>
    public void Pop()
    {
        int last = --Count;
        double key = _key[last];
        int item = _item[last];
        int pos = 0;
        while (true)
        {
            int child = (2 * pos) + 1;
            if (child >= last)
                break;
            if (child + 1 < last && Less(_key[child + 1], _item[child + 1], _key[child], _item[child]))
                child++;
            if (!Less(_key[child], _item[child], key, item))
                break;
            _key[pos] = _key[child];
            _item[pos] = _item[child];
            pos = child;
        }
        _key[pos] = key;
        _item[pos] = item;
    }

    private static bool Less(double a, int ia, double b, int ib) => a < b || (a == b && ia < ib);
}
