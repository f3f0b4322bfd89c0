using System.Numerics.Tensors;

namespace Sae.Numerics;

/// <summary>
/// Per-row operations on a row-major matrix w: [rows, cols] (row i is w[i·cols .. (i+1)·cols)), as the
/// sparsify trainer applies them to the decoder. Row sums of squares and dot products accumulate in
/// double over 16 fixed lanes (index mod 16, combined in a fixed tree; see the remarks), so results
/// are identical for every thread count and every instruction set, and equal to a double-precision
/// sum rounded to float up to ≈ cols·2⁻⁵³ relative.
/// </summary>
/// <remarks>Rows are processed in chunks whose size depends on <c>cols</c> only.</remarks>
public static class RowOps
{
    /// <summary>sparsify's <c>torch.finfo(float32).eps</c> = 2⁻²³ ≈ 1.1920929e-7, added to every row norm before dividing.</summary>
    public const float NormEpsilon = 1.1920929e-7f;

    /// <summary>norms[i] = ‖w[i]‖₂ = sqrt(Σⱼ w[i,j]²), the square sum in double, the root rounded to float.</summary>
    /// <param name="w">Matrix [rows, cols].</param>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="cols">Number of columns (≥ 0).</param>
    /// <param name="norms">Output [rows].</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void RowNorms(ReadOnlySpan<float> w, int rows, int cols, Span<float> norms, int threads = 1) =>
        RowReduce(w, rows, cols, norms, threads, root: true);

    /// <summary>sums[i] = Σⱼ w[i,j]², accumulated in double and rounded to float once.</summary>
    /// <param name="w">Matrix [rows, cols].</param>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="cols">Number of columns (≥ 0).</param>
    /// <param name="sums">Output [rows].</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
    public static void RowSumOfSquares(ReadOnlySpan<float> w, int rows, int cols, Span<float> sums, int threads = 1) =>
        RowReduce(w, rows, cols, sums, threads, root: false);

    /// <summary>
    /// sparsify's <c>set_decoder_norm_to_unit_norm</c>: w[i,j] = w[i,j] / (‖w[i]‖ + ε) with ε =
    /// <see cref="NormEpsilon"/>; the norm as in <see cref="RowNorms"/>, the sum ‖w[i]‖ + ε and the
    /// division in float. A zero row stays zero.
    /// </summary>
    /// <param name="w">Matrix [rows, cols], normalised in place.</param>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="cols">Number of columns (≥ 0).</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <exception cref="ArgumentException">w's length is not rows·cols.</exception>
    public static unsafe void NormalizeRows(Span<float> w, int rows, int cols, int threads = 1)
    {
        MatrixShape.Validate(w.Length, rows, cols, nameof(w));
        Check.Threads(threads);
        if (RowChunks.Inline(rows, cols, threads))
        {
            NormalizeChunk(w, cols);
            return;
        }
        fixed (float* pw = w)
        {
            nint aw = (nint)pw;
            RowChunks.For(rows, cols, threads, (r0, count) =>
                NormalizeChunk(new Span<float>((float*)aw + (long)r0 * cols, count * cols), cols));
        }
    }

    /// <summary>
    /// sparsify's <c>remove_gradient_parallel_to_decoder_directions</c>: grad[i] −= (grad[i]·w[i])·w[i]
    /// for every row, with the dot product in double rounded to float, then per element
    /// grad[i,j] = grad[i,j] − s·w[i,j] (multiply, then subtract, in float).
    /// w is expected to have unit rows (the trainer renormalises after every step); it is not
    /// renormalised here, so for other rows this is not a projection.
    /// </summary>
    /// <param name="grad">Gradient of w, [rows, cols], updated in place.</param>
    /// <param name="w">Decoder rows [rows, cols], expected unit-norm.</param>
    /// <param name="rows">Number of rows (≥ 0).</param>
    /// <param name="cols">Number of columns (≥ 0).</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <exception cref="ArgumentException">A span's length is not rows·cols.</exception>
    public static unsafe void ProjectOutParallel(Span<float> grad, ReadOnlySpan<float> w, int rows, int cols, int threads = 1)
    {
        MatrixShape.Validate(grad.Length, rows, cols, nameof(grad));
        MatrixShape.Validate(w.Length, rows, cols, nameof(w));
        Check.Threads(threads);
        if (RowChunks.Inline(rows, cols, threads))
        {
            ProjectChunk(grad, w, cols);
            return;
        }
        fixed (float* pg = grad, pw = w)
        {
            nint ag = (nint)pg, aw = (nint)pw;
            RowChunks.For(rows, cols, threads, (r0, count) => ProjectChunk(
                new Span<float>((float*)ag + (long)r0 * cols, count * cols),
                new ReadOnlySpan<float>((float*)aw + (long)r0 * cols, count * cols), cols));
        }
    }

    private static unsafe void RowReduce(ReadOnlySpan<float> w, int rows, int cols, Span<float> output, int threads, bool root)
    {
        MatrixShape.Validate(w.Length, rows, cols, nameof(w));
        Check.Length(output.Length, rows, "rows", root ? "norms" : "sums");
        Check.Threads(threads);
        if (RowChunks.Inline(rows, cols, threads))
        {
            ReduceChunk(w, cols, output, root);
            return;
        }
        fixed (float* pw = w, po = output)
        {
            nint aw = (nint)pw, ao = (nint)po;
            RowChunks.For(rows, cols, threads, (r0, count) => ReduceChunk(
                new ReadOnlySpan<float>((float*)aw + (long)r0 * cols, count * cols), cols,
                new Span<float>((float*)ao + r0, count), root));
        }
    }

    // w: [output.Length, cols]
    private static void ReduceChunk(ReadOnlySpan<float> w, int cols, Span<float> output, bool root)
    {
        for (int r = 0; r < output.Length; r++)
        {
            var row = w.Slice(r * cols, cols);
            double ss = DoubleLaneDot.Dot(row, row);
            output[r] = root ? (float)Math.Sqrt(ss) : (float)ss;
        }
    }

    // w: [w.Length / cols, cols]
    private static void NormalizeChunk(Span<float> w, int cols)
    {
        if (cols == 0)
            return;
        for (int start = 0; start < w.Length; start += cols)
        {
            var row = w.Slice(start, cols);
            float norm = (float)Math.Sqrt(DoubleLaneDot.Dot(row, row));
            TensorPrimitives.Divide(row, norm + NormEpsilon, row);
        }
    }

    // grad, w: [grad.Length / cols, cols]
    private static void ProjectChunk(Span<float> grad, ReadOnlySpan<float> w, int cols)
    {
        if (cols == 0)
            return;
        for (int start = 0; start < grad.Length; start += cols)
        {
            var g = grad.Slice(start, cols);
            var d = w.Slice(start, cols);
            ScaledSubtract.Run(g, d, (float)DoubleLaneDot.Dot(g, d));
        }
    }
}
