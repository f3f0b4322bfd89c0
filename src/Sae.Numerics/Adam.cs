namespace Sae.Numerics;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) as <c>torch.optim.Adam</c> computes it for one float32 parameter
/// tensor: torch ≥ 2, <c>_single_tensor_adam</c> in torch/optim/adam.py, weight_decay = 0,
/// amsgrad = False, maximize = False, capturable = False.
/// </summary>
/// <remarks>
/// <para>Per element, in this order and in single precision (torch's lines on the right):</para>
/// <code>
/// m = lerp(m, g, w),  w = (float)(1 − β1)          exp_avg.lerp_(grad, 1 - beta1)
/// v = v·β2 + ((1 − β2)·g)·g                        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
/// denom = sqrt(v) / (float)sqrt(bc2) + ε           denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
/// p = p + ((−step_size)·m) / denom                 param.addcdiv_(exp_avg, denom, value=-step_size)
/// </code>
/// <para>with lerp(a, b, w) = |w| &lt; 0.5 ? a + w·(b − a) : b − (b − a)·(1 − w) (ATen Lerp.h), and the
/// Python-level scalars in double: bc1 = 1 − β1^t, bc2 = 1 − β2^t, step_size = lr / bc1
/// (rounded to float once, when handed to addcdiv_).</para>
/// <para>torch's own CPU kernel is not uniform: ATen's vectorised lerp (LerpKernel.cpp,
/// <c>lerp_vec</c>) uses a fused multiply-add, its scalar tail does not. This kernel follows the
/// unfused formula above everywhere, so it can differ from torch-on-AVX2 by one rounding in
/// m (≤ 1 ulp) per step; it matches torch's formula, not its instruction selection.</para>
/// <para>Deterministic: the update is element-wise, so any thread count gives identical bits, and the
/// 512/256/128-bit and scalar paths give identical bits (no FMA contraction).</para>
/// </remarks>
public static class Adam
{
    /// <summary>Elements per parallel chunk (fixed: the split never depends on the thread count).</summary>
    private const int ChunkSize = 1 << 14;

    /// <summary>
    /// One Adam step on <paramref name="param"/> in place, updating the moment buffers.
    /// Scalar meaning per index i: see the class remarks.
    /// </summary>
    /// <param name="param">Parameters p, updated in place.</param>
    /// <param name="grad">Gradient g, same length as <paramref name="param"/>.</param>
    /// <param name="m">First moment (torch <c>exp_avg</c>), same length, updated in place; zeros before step 1.</param>
    /// <param name="v">Second moment (torch <c>exp_avg_sq</c>), same length, updated in place; zeros before step 1.</param>
    /// <param name="h">Hyper-parameters, from the <see cref="AdamHyper"/> constructor.</param>
    /// <param name="step">Step number t after increment (torch's <c>state["step"]</c>): 1 on the first call.</param>
    /// <param name="threads">Threads to use (≥ 1); the result does not depend on it.</param>
    /// <exception cref="ArgumentException">A span length differs from <paramref name="param"/>'s, or <paramref name="h"/> is <c>default</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> &lt; 1 or <paramref name="threads"/> &lt; 1.</exception>
    public static void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, in AdamHyper h, long step, int threads = 1)
    {
        Check.Length(grad.Length, param.Length, "param.Length", nameof(grad));
        Check.Length(m.Length, param.Length, "param.Length", nameof(m));
        Check.Length(v.Length, param.Length, "param.Length", nameof(v));
        h.Validate(nameof(h));
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"step must be >= 1 (got {step}); it counts steps taken including this one.");
        Check.Threads(threads);

        var c = new AdamCoefficients(h, step);
        if (threads == 1 || param.Length <= ChunkSize)
            AdamKernel.Run(param, grad, m, v, c);
        else
            RunChunked(param, grad, m, v, c, threads);
    }

    private static unsafe void RunChunked(Span<float> param, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, AdamCoefficients c, int threads)
    {
        int n = param.Length;
        fixed (float* pp = param, pg = grad, pm = m, pv = v)
        {
            nint ap = (nint)pp, ag = (nint)pg, am = (nint)pm, av = (nint)pv;
            Partition.For(Partition.Count(n, ChunkSize), threads, chunk =>
            {
                int start = chunk * ChunkSize, len = Math.Min(ChunkSize, n - start);
                AdamKernel.Run(
                    new Span<float>((float*)ap + start, len),
                    new ReadOnlySpan<float>((float*)ag + start, len),
                    new Span<float>((float*)am + start, len),
                    new Span<float>((float*)av + start, len),
                    c);
            });
        }
    }
}
