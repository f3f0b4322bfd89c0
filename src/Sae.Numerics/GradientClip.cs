using System.Buffers;
using System.Numerics.Tensors;

namespace Sae.Numerics;

/// <summary>
/// Gradient-norm clipping over several tensors, like <c>torch.nn.utils.clip_grad_norm_(params,
/// max_norm)</c> (norm_type 2, error_if_nonfinite False). Tensors are passed as a span of
/// <see cref="Memory{T}"/> (spans cannot be array elements), e.g. <c>[wEncGrad, bEncGrad, wDecGrad,
/// bDecGrad]</c> from float arrays; or use the pieces: <see cref="SumOfSquares"/> per tensor, sum
/// the doubles in a fixed order, <see cref="ClipCoefficient"/>, then <see cref="Scale"/> per tensor.
/// </summary>
/// <remarks>
/// <para>Determinism: a tensor's sum of squares is taken over fixed blocks of <see cref="BlockSize"/>
/// elements (each summed in double over 16 fixed lanes, products exact), block sums added in block
/// order, tensor sums in list order. The result is independent of the thread count and of the
/// instruction set.</para>
/// <para>Precision versus torch: torch takes each tensor's norm in float32 and then the norm of the
/// stacked norms; here the whole sum is in double and the root is rounded to float once, so the
/// total norm may differ from torch's by a few float ulps, the extra rounding error being torch's.
/// The coefficient then follows torch's float32 arithmetic exactly.</para>
/// </remarks>
public static class GradientClip
{
    /// <summary>Elements per block of a sum of squares (and per chunk of <see cref="Scale"/>); fixed.</summary>
    public const int BlockSize = 1 << 16;

    /// <summary>torch's <c>1e-6</c> added to the total norm before dividing.</summary>
    public const float NormEpsilon = 1e-6f;

    /// <summary>Σᵢ xᵢ² in double, in the fixed block/lane order described on the class.</summary>
    /// <param name="x">Values.</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    public static unsafe double SumOfSquares(ReadOnlySpan<float> x, int threads = 1)
    {
        Check.Threads(threads);
        int blocks = Partition.Count(x.Length, BlockSize);
        double total = 0;
        if (threads == 1 || blocks <= 1)
        {
            for (int b = 0; b < blocks; b++)
                total += BlockSum(x, b);
            return total;
        }
        double[] partial = ArrayPool<double>.Shared.Rent(blocks);
        fixed (float* px = x)
        {
            nint ax = (nint)px;
            int n = x.Length;
            Partition.For(blocks, threads, b => partial[b] = BlockSum(new ReadOnlySpan<float>((float*)ax, n), b));
        }
        for (int b = 0; b < blocks; b++)
            total += partial[b];
        ArrayPool<double>.Shared.Return(partial);
        return total;
    }

    /// <summary>sqrt(Σ over tensors of <see cref="SumOfSquares"/>), rounded to float: the L2 norm of all tensors concatenated.</summary>
    /// <param name="tensors">The tensors, in a fixed order.</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    public static float GlobalNorm(ReadOnlySpan<ReadOnlyMemory<float>> tensors, int threads = 1)
    {
        Check.Threads(threads);
        double total = 0;
        foreach (var t in tensors)
            total += SumOfSquares(t.Span, threads);
        return (float)Math.Sqrt(total);
    }

    /// <summary>
    /// torch's factor, in float32 as torch computes it on a 0-dim tensor:
    /// <c>min((1 / (totalNorm + 1e-6)) · maxNorm, 1)</c> — <c>max_norm / t</c> is
    /// <c>t.reciprocal() * max_norm</c> (Tensor.__rtruediv__), then <c>clamp(max=1.0)</c>. NaN propagates.
    /// </summary>
    /// <param name="totalNorm">The pre-clip total norm.</param>
    /// <param name="maxNorm">The largest allowed norm (finite, ≥ 0).</param>
    public static float ClipCoefficient(float totalNorm, float maxNorm)
    {
        CheckMaxNorm(maxNorm);
        float coefficient = 1f / (totalNorm + NormEpsilon) * maxNorm;
        return coefficient > 1f ? 1f : coefficient;
    }

    /// <summary>x[i] = x[i] · factor, in float, in place.</summary>
    /// <param name="x">Values, scaled in place.</param>
    /// <param name="factor">The factor.</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    public static unsafe void Scale(Span<float> x, float factor, int threads = 1)
    {
        Check.Threads(threads);
        int chunks = Partition.Count(x.Length, BlockSize);
        if (threads == 1 || chunks <= 1)
        {
            TensorPrimitives.Multiply(x, factor, x);
            return;
        }
        fixed (float* px = x)
        {
            nint ax = (nint)px;
            int n = x.Length;
            Partition.For(chunks, threads, c =>
            {
                var chunk = new Span<float>((float*)ax + (long)c * BlockSize, Math.Min(BlockSize, n - c * BlockSize));
                TensorPrimitives.Multiply(chunk, factor, chunk);
            });
        }
    }

    /// <summary>
    /// clip_grad_norm_: total = <see cref="GlobalNorm"/> of <paramref name="grads"/>, then every
    /// gradient is multiplied by <see cref="ClipCoefficient"/>(total, maxNorm) — always, also when
    /// the factor is 1, as torch does.
    /// </summary>
    /// <param name="grads">The gradients, scaled in place, in a fixed order.</param>
    /// <param name="maxNorm">The largest allowed total norm (finite, ≥ 0).</param>
    /// <param name="threads">Threads (≥ 1); the result does not depend on it.</param>
    /// <returns>The total norm before clipping (what torch returns).</returns>
    public static float ClipByGlobalNorm(ReadOnlySpan<Memory<float>> grads, float maxNorm, int threads = 1)
    {
        CheckMaxNorm(maxNorm);
        Check.Threads(threads);
        double total = 0;
        foreach (var g in grads)
            total += SumOfSquares(g.Span, threads);
        float norm = (float)Math.Sqrt(total);
        float coefficient = ClipCoefficient(norm, maxNorm);
        foreach (var g in grads)
            Scale(g.Span, coefficient, threads);
        return norm;
    }

    private static double BlockSum(ReadOnlySpan<float> x, int block)
    {
        int start = block * BlockSize;
        var slice = x.Slice(start, Math.Min(BlockSize, x.Length - start));
        return DoubleLaneDot.Dot(slice, slice);
    }

    private static void CheckMaxNorm(float maxNorm)
    {
        if (!float.IsFinite(maxNorm) || maxNorm < 0)
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm must be finite and >= 0 (got {maxNorm}).");
    }
}
