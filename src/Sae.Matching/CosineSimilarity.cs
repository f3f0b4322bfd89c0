using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Matching;

/// <summary>
/// Cosine similarities between the rows of two matrices with the same width d, as the paper
/// computes them: every row is scaled to unit length, then C = Â·B̂ᵀ by blocked GEMM. A row whose
/// norm is 0, NaN or infinite becomes a zero row (cosine 0 with everything); NaN results become 0
/// and results are clamped to [−1, 1] (rounding can give 1 + ε for identical rows). With
/// <c>absolute</c> the result is |cos| (sign-invariant matching of signed latents).
/// </summary>
public static class CosineSimilarity
{
    // About 16 MiB of output per block: small enough for frequent progress, large enough for GEMM efficiency.
    private const long BlockElements = 1L << 22;

    /// <summary>A copy of <paramref name="w"/> [rows, cols] with every row divided by its Euclidean norm (zero, NaN or infinite norm → zero row).</summary>
    /// <param name="w">Matrix [rows, cols].</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Number of columns.</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    public static float[] UnitRows(ReadOnlySpan<float> w, int rows, int cols, int threads = 1)
    {
        var norms = new float[rows];
        RowOps.RowNorms(w, rows, cols, norms, threads);
        var unit = new float[w.Length];
        for (int r = 0; r < rows; r++)
        {
            float norm = norms[r];
            if (norm > 0 && float.IsFinite(norm))
                TensorPrimitives.Divide(w.Slice(r * cols, cols), norm, unit.AsSpan(r * cols, cols));
        }
        return unit;
    }

    /// <summary>
    /// result[i, j] = unitA[i]·unitB[j] for unit rows (see <see cref="UnitRows"/>), computed by
    /// blocks of rows of A; <paramref name="progress"/> gets the fraction of rows done after each block.
    /// </summary>
    /// <param name="unitA">Unit rows [rowsA, d].</param>
    /// <param name="rowsA">Rows of A.</param>
    /// <param name="unitB">Unit rows [rowsB, d].</param>
    /// <param name="rowsB">Rows of B.</param>
    /// <param name="d">Width of both.</param>
    /// <param name="result">Output [rowsA, rowsB].</param>
    /// <param name="threads">GEMM threads (≥ 1); the result does not depend on it.</param>
    /// <param name="progress">Fraction of rows done (optional).</param>
    /// <param name="absolute">Write |cos| instead of cos.</param>
    /// <param name="cancel">Checked between blocks.</param>
    public static void Compute(ReadOnlySpan<float> unitA, int rowsA, ReadOnlySpan<float> unitB, int rowsB, int d, Span<float> result,
        int threads = 1, IProgress<double>? progress = null, bool absolute = false, CancellationToken cancel = default)
    {
        Validate(unitA.Length, rowsA, unitB.Length, rowsB, d);
        if (result.Length != (long)rowsA * rowsB)
            throw new ArgumentException($"result has length {result.Length} but must be rowsA·rowsB = {(long)rowsA * rowsB}.", nameof(result));
        int block = BlockRows(rowsB);
        for (int first = 0; first < rowsA; first += block)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(block, rowsA - first);
            ComputeBlock(unitA.Slice(first * d, count * d), count, unitB, rowsB, d, result.Slice(first * rowsB, count * rowsB), threads, absolute);
            progress?.Report((double)(first + count) / rowsA);
        }
        if (rowsA == 0)
            progress?.Report(1);
    }

    /// <summary>
    /// The largest cosine of each row of A to any row of B (<paramref name="bestOfA"/> [rowsA]) and
    /// of each row of B to any row of A (<paramref name="bestOfB"/> [rowsB]), without holding the
    /// whole matrix: blocks of rows of A are computed and reduced. −1 when the other side is empty.
    /// With <paramref name="absolute"/> the largest |cos|.
    /// </summary>
    internal static void BestMatches(ReadOnlySpan<float> unitA, int rowsA, ReadOnlySpan<float> unitB, int rowsB, int d,
        Span<float> bestOfA, Span<float> bestOfB, int threads, bool absolute, CancellationToken cancel)
    {
        Validate(unitA.Length, rowsA, unitB.Length, rowsB, d);
        bestOfA.Fill(-1);
        bestOfB.Fill(-1);
        int block = BlockRows(rowsB);
        var buffer = new float[(long)Math.Min(block, rowsA) * rowsB];
        for (int first = 0; first < rowsA; first += block)
        {
            cancel.ThrowIfCancellationRequested();
            int count = Math.Min(block, rowsA - first);
            var c = buffer.AsSpan(0, count * rowsB);
            ComputeBlock(unitA.Slice(first * d, count * d), count, unitB, rowsB, d, c, threads, absolute);
            RowAndColumnMax(c, count, rowsB, bestOfA.Slice(first, count), bestOfB);
        }
    }

    /// <summary>rowMax[i] = max(rowMax[i], maxⱼ c[i, j]) and colMax[j] = max(colMax[j], maxᵢ c[i, j]) for c [rows, cols].</summary>
    internal static void RowAndColumnMax(ReadOnlySpan<float> c, int rows, int cols, Span<float> rowMax, Span<float> colMax)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = c.Slice(i * cols, cols);
            if (cols > 0)
                rowMax[i] = Math.Max(rowMax[i], TensorPrimitives.Max(row));
            TensorPrimitives.Max(colMax, row, colMax);
        }
    }

    /// <summary>
    /// Per row i of A with a partner j = <paramref name="rowToColumn"/>[i]: the sign of unitA[i]·unitB[j],
    /// −1 when negative, else +1; 0 for a row without a partner. unitA: [n_a, d], unitB: [n_b, d].
    /// </summary>
    internal static sbyte[] PartnerSigns(int[] rowToColumn, ReadOnlySpan<float> unitA, ReadOnlySpan<float> unitB, int d)
    {
        var signs = new sbyte[rowToColumn.Length];
        for (int i = 0; i < signs.Length; i++)
        {
            int j = rowToColumn[i];
            if (j >= 0)
                signs[i] = Sign(TensorPrimitives.Dot(unitA.Slice(i * d, d), unitB.Slice(j * d, d)));
        }
        return signs;
    }

    /// <summary>The sign a matched pair records: −1 for a negative cosine, +1 otherwise (0 and NaN included).</summary>
    internal static sbyte Sign(float cosine) => cosine < 0 ? (sbyte)-1 : (sbyte)1;

    private static int BlockRows(int rowsB) => (int)Math.Clamp(BlockElements / Math.Max(rowsB, 1), 1, int.MaxValue);

    // c: [rows, rowsB] = a: [rows, d] · bᵀ (b: [rowsB, d]), then NaN → 0 and clamped to [−1, 1] (to [0, 1] when absolute)
    private static void ComputeBlock(ReadOnlySpan<float> a, int rows, ReadOnlySpan<float> b, int rowsB, int d, Span<float> c, int threads, bool absolute)
    {
        Gemm.MultiplyABt(a, b, c, rows, rowsB, d, threads: threads);
        for (int i = 0; i < c.Length; i++)
        {
            float x = c[i];
            c[i] = float.IsNaN(x) ? 0 : Math.Clamp(x, -1f, 1f);
        }
        if (absolute)
            TensorPrimitives.Abs(c, c);
    }

    private static void Validate(int lengthA, int rowsA, int lengthB, int rowsB, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowsA);
        ArgumentOutOfRangeException.ThrowIfNegative(rowsB);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        if (lengthA != (long)rowsA * d)
            throw new ArgumentException($"unitA has length {lengthA} but must be rowsA·d = {(long)rowsA * d}.", nameof(lengthA));
        if (lengthB != (long)rowsB * d)
            throw new ArgumentException($"unitB has length {lengthB} but must be rowsB·d = {(long)rowsB * d}.", nameof(lengthB));
    }
}
