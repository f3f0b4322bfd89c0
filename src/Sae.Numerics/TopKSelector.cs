using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// Incremental top-k of one row that arrives in column chunks, e.g. from a fused encoder that
/// computes a row tile by tile. It keeps the current k best entries as a min-heap (worst at the
/// root) in two caller-provided buffers of length k, and filters each chunk with SIMD compares
/// against the current k-th value (and, for a chunk of at least 16·k entries, against a floor
/// computed from the chunk itself), so only entries that can enter the heap reach scalar code.
/// </summary>
/// <remarks>
/// <para>Order (the same as <see cref="TopK.Rows"/>): a larger value ranks first; equal values (by
/// IEEE comparison, so −0 equals +0) rank by smaller column index; NaN ranks below every number,
/// −∞ included, and NaNs rank among themselves by smaller index. Because indices are unique this is
/// a total order, so the result is one well-defined set and order: it is bit-for-bit the same
/// however the row is split into chunks and in whatever order the chunks are offered.</para>
/// <para>Use: construct over the buffers, <see cref="Offer"/> every column of the row exactly once
/// (not checked), then <see cref="Finish"/>, which writes the k best sorted and leaves the selector
/// empty for the next row (as <see cref="Reset"/> does). To interleave many rows (e.g. a tile of
/// rows at a time), keep each row's buffers and <see cref="Count"/> and continue with
/// <see cref="Resume"/>. The selector allocates nothing.</para>
/// </remarks>
public ref struct TopKSelector
{
    // Heap storage, caller-owned: _values[0], _indices[0] is the worst of the current best.
    private readonly Span<float> _values;
    private readonly Span<int> _indices;
    private int _count;

    /// <summary>Creates an empty selector whose k is the length of the buffers.</summary>
    /// <param name="values">Heap storage for values, length k ≥ 1; its contents are overwritten.</param>
    /// <param name="indices">Heap storage for column indices, length k.</param>
    /// <exception cref="ArgumentException">The buffers are empty or differ in length.</exception>
    public TopKSelector(Span<float> values, Span<int> indices)
    {
        if (values.IsEmpty)
            throw new ArgumentException("values must have length k >= 1 (got 0).", nameof(values));
        Check.Length(indices.Length, values.Length, "values.Length (k)", nameof(indices));
        _values = values;
        _indices = indices;
        _count = 0;
    }

    /// <summary>k: how many entries the selector keeps.</summary>
    public readonly int K => _values.Length;

    /// <summary>How many entries are held now (at most <see cref="K"/>).</summary>
    public readonly int Count => _count;

    /// <summary>
    /// Continues a selector whose state lives in <paramref name="values"/> and
    /// <paramref name="indices"/>, untouched since a selector over them reported <see cref="Count"/>
    /// = <paramref name="count"/>.
    /// </summary>
    public static TopKSelector Resume(Span<float> values, Span<int> indices, int count)
    {
        var selector = new TopKSelector(values, indices);
        if (count < 0 || count > values.Length)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be between 0 and k = {values.Length} (got {count}).");
        selector._count = count;
        return selector;
    }

    /// <summary>Forgets every entry offered so far.</summary>
    public void Reset() => _count = 0;

    /// <summary>Offers the columns <paramref name="baseIndex"/> .. <paramref name="baseIndex"/> + chunk.Length − 1 of the row.</summary>
    /// <param name="chunk">The row's values for those columns.</param>
    /// <param name="baseIndex">Column index of <c>chunk[0]</c> (≥ 0).</param>
    public void Offer(ReadOnlySpan<float> chunk, int baseIndex)
    {
        Check.NonNegative(baseIndex);
        if ((long)baseIndex + chunk.Length > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(baseIndex), baseIndex, $"baseIndex + chunk.Length must fit an int (got {baseIndex} + {chunk.Length}).");
        float floor = Floor(chunk, K);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            i = Filter<Simd.W512, Vector512<float>>(chunk, baseIndex, i, floor);
        if (Vector256.IsHardwareAccelerated)
            i = Filter<Simd.W256, Vector256<float>>(chunk, baseIndex, i, floor);
        if (Vector128.IsHardwareAccelerated)
            i = Filter<Simd.W128, Vector128<float>>(chunk, baseIndex, i, floor);
        Filter<Simd.W1, float>(chunk, baseIndex, i, floor);
    }

    /// <summary>
    /// Writes the k best entries sorted best first (see the order in the remarks) and empties the
    /// selector. The destinations may be the selector's own buffers.
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than k columns were offered.</exception>
    public void Finish(Span<float> values, Span<int> indices)
    {
        Check.Length(values.Length, K, "k", nameof(values));
        Check.Length(indices.Length, K, "k", nameof(indices));
        if (_count < K)
            throw new InvalidOperationException($"Only {_count} columns were offered but k = {K}; offer at least k columns before Finish.");
        // Heap sort: repeatedly move the worst to the end, so the buffer ends up best first.
        for (int end = _count - 1; end > 0; end--)
        {
            (_values[0], _values[end]) = (_values[end], _values[0]);
            (_indices[0], _indices[end]) = (_indices[end], _indices[0]);
            SiftDown(end);
        }
        _values.CopyTo(values);
        _indices.CopyTo(indices);
        _count = 0;
    }

    /// <summary>True when (<paramref name="a"/>, <paramref name="ia"/>) ranks before (<paramref name="b"/>, <paramref name="ib"/>) in the documented order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Better(float a, int ia, float b, int ib)
    {
        if (a > b)
            return true;
        if (a == b)
            return ia < ib;
        if (a < b)
            return false;
        // At least one NaN: a number beats NaN, NaNs rank by index.
        return !float.IsNaN(a) || (float.IsNaN(b) && ia < ib);
    }

    // A value every entry of the chunk that can make the top k is >= to: split the chunk into k
    // groups; each group's maximum is an entry, so at least k entries are >= the smallest of
    // those maxima, and anything below it (or NaN) ranks after all of them. Returns −∞ (no floor)
    // when the chunk is short, a group holds a NaN, or the bound is −∞ anyway. For k = 32 of
    // 16384 random values this halves the entries that reach the heap, for one extra read of a
    // chunk that is still in cache.
    private static float Floor(ReadOnlySpan<float> chunk, int k)
    {
        const int MinGroup = 16;
        int group = chunk.Length / k;
        if (group < MinGroup)
            return float.NegativeInfinity;
        float floor = float.PositiveInfinity;
        for (int g = 0; g < k; g++)
        {
            float max = TensorPrimitives.Max(chunk.Slice(g * group, group));
            if (float.IsNaN(max))
                return float.NegativeInfinity;
            floor = Math.Min(floor, max);
        }
        return floor;
    }

    // Scans whole vectors from `start`; returns where it stopped (fewer than a vector left). Only
    // lanes that pass the threshold test (see Threshold) reach Take; the threshold only rises, so
    // lanes that fail stay out, and lanes that pass are rechecked exactly against the heap then.
    private int Filter<TOps, TVec>(ReadOnlySpan<float> chunk, int baseIndex, int start, float floor)
        where TOps : ISimd<TVec>
        where TVec : struct
    {
        ref float source = ref MemoryMarshal.GetReference(chunk);
        int width = TOps.Count;
        ulong all = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
        bool filtering = Threshold(floor, out float limit, out bool fromHeap);
        TVec threshold = TOps.Splat(limit);
        int i = start;
        for (; i <= chunk.Length - width; i += width)
        {
            ulong mask = all;
            if (filtering)
            {
                TVec v = TOps.Load(ref source, (nuint)i);
                // A tie with the heap's worst loses when every lane's index is above the worst's.
                bool strict = fromHeap && _indices[0] < baseIndex + i;
                mask = strict ? TOps.GreaterThanMask(v, threshold) : TOps.GreaterThanOrEqualMask(v, threshold);
                if (mask == 0)
                    continue;
            }
            while (mask != 0)
            {
                int lane = BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                Take(Unsafe.Add(ref source, i + lane), baseIndex + i + lane);
            }
            filtering = Threshold(floor, out limit, out fromHeap);
            threshold = TOps.Splat(limit);
        }
        return i;
    }

    // The value a lane must reach (>=) to be looked at: the heap's worst once the heap is full
    // and holds a number at or above the floor, else the floor. False when there is neither
    // (heap not full or its worst is NaN, and no floor): then every lane is looked at.
    private readonly bool Threshold(float floor, out float limit, out bool fromHeap)
    {
        bool hasFloor = floor > float.NegativeInfinity;
        float worst = _values[0];
        fromHeap = _count == _values.Length && !float.IsNaN(worst) && !(worst < floor);
        limit = fromHeap ? worst : floor;
        return fromHeap || hasFloor;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Take(float value, int index)
    {
        if (_count < _values.Length)
            Push(value, index);
        else
            Consider(value, index);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Consider(float value, int index)
    {
        if (!Better(value, index, _values[0], _indices[0]))
            return;
        _values[0] = value;
        _indices[0] = index;
        SiftDown(_count);
    }

    private void Push(float value, int index)
    {
        int pos = _count++;
        while (pos > 0)
        {
            int parent = (pos - 1) >> 1;
            if (!Better(_values[parent], _indices[parent], value, index))
                break;
            _values[pos] = _values[parent];
            _indices[pos] = _indices[parent];
            pos = parent;
        }
        _values[pos] = value;
        _indices[pos] = index;
    }

    // Restores the heap over [0, size) after the root changed.
    private readonly void SiftDown(int size)
    {
        float value = _values[0];
        int index = _indices[0];
        int pos = 0;
        while (true)
        {
            int child = (2 * pos) + 1;
            if (child >= size)
                break;
            if (child + 1 < size && Better(_values[child], _indices[child], _values[child + 1], _indices[child + 1]))
                child++;
            if (!Better(value, index, _values[child], _indices[child]))
                break;
            _values[pos] = _values[child];
            _indices[pos] = _indices[child];
            pos = child;
        }
        _values[pos] = value;
        _indices[pos] = index;
    }
}
