using System.Numerics.Tensors;

namespace Sae.Matching;

/// <summary>Row normalisation for cosine similarity: every row scaled to unit length; an all-zero row stays zero (cosine 0 with everything).</summary>
internal static class UnitRows
{
    /// <summary>A copy of x: [rows, depth] with unit rows, computed on up to <paramref name="threads"/> threads.</summary>
    public static float[] Copy(ReadOnlySpan<float> x, int rows, int depth, int threads)
    {
        var unit = x.ToArray();
        const int Chunk = 256;
        Parallel.For(0, (rows + Chunk - 1) / Chunk, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            for (int i = c * Chunk; i < Math.Min(rows, (c + 1) * Chunk); i++)
                Normalise(unit.AsSpan(i * depth, depth));
        });
        return unit;
    }

    // Scaled by the largest magnitude first, so the norm neither overflows nor underflows.
    private static void Normalise(Span<float> row)
    {
        float max = Math.Abs(TensorPrimitives.MaxMagnitude(row)); // MaxMagnitude keeps the sign
        if (max == 0)
            return;
        TensorPrimitives.Divide(row, max, row);
        float norm = TensorPrimitives.Norm(row);
        TensorPrimitives.Divide(row, norm, row);
    }
}
