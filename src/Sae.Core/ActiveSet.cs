using System.Numerics;
using System.Runtime.Intrinsics;

namespace Sae.Core;

/// <summary>
/// The non-zero entries of a ReLU activation matrix f [rows, n] as a padded sparse matrix:
/// values/indices [rows, width] with width = the largest row count; a row's unused slots hold value
/// 0 at index 0 (they add exact zeros in the sparse kernels).
/// </summary>
internal static class ActiveSet
{
    /// <summary>counts[b] = number of f[b, i] &gt; 0; returns the largest.</summary>
    public static int Count(ReadOnlySpan<float> f, int rows, int n, Span<int> counts)
    {
        int max = 0;
        for (int b = 0; b < rows; b++)
        {
            var row = f.Slice(b * n, n);
            int c = 0, i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                    c += BitOperations.PopCount(Vector512.GreaterThan(Vector512.Create(row.Slice(i, 16)), Vector512<float>.Zero).ExtractMostSignificantBits());
            }
            for (; i < n; i++)
            {
                if (row[i] > 0f)
                    c++;
            }
            counts[b] = c;
            max = Math.Max(max, c);
        }
        return max;
    }

    /// <summary>Writes each row's positive entries in increasing index order, then zero padding, into values/indices [rows, width].</summary>
    public static void Gather(ReadOnlySpan<float> f, int rows, int n, int width, Span<float> values, Span<int> indices)
    {
        values[..(rows * width)].Clear();
        indices[..(rows * width)].Clear();
        for (int b = 0; b < rows; b++)
        {
            var row = f.Slice(b * n, n);
            int slot = b * width, i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    ulong mask = Vector512.GreaterThan(Vector512.Create(row.Slice(i, 16)), Vector512<float>.Zero).ExtractMostSignificantBits();
                    while (mask != 0)
                    {
                        int j = i + BitOperations.TrailingZeroCount(mask);
                        values[slot] = row[j];
                        indices[slot++] = j;
                        mask &= mask - 1;
                    }
                }
            }
            for (; i < n; i++)
            {
                if (row[i] > 0f)
                {
                    values[slot] = row[i];
                    indices[slot++] = i;
                }
            }
        }
    }
}
