namespace Sae.Numerics;

/// <summary>Plain scalar twin of <see cref="GradientClip"/>: the test oracle.</summary>
internal static class GradientClipReference
{
    /// <summary>Blocks of <see cref="GradientClip.BlockSize"/>, each by the reference lane dot, added in order.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double total = 0;
        for (int start = 0; start < x.Length; start += GradientClip.BlockSize)
        {
            var block = x.Slice(start, Math.Min(GradientClip.BlockSize, x.Length - start));
            total += RowOpsReference.LaneDot(block, block);
        }
        return total;
    }

    /// <summary>torch clip_grad_norm_ with a double-precision total; returns the pre-clip norm.</summary>
    public static float ClipByGlobalNorm(float[][] grads, float maxNorm)
    {
        double total = 0;
        foreach (var g in grads)
            total += SumOfSquares(g);
        float norm = (float)Math.Sqrt(total);
        float denominator = norm + 1e-6f;          // total_norm + 1e-6
        float reciprocal = 1f / denominator;      // Tensor.__rtruediv__: self.reciprocal() * other
        float coefficient = reciprocal * maxNorm;
        float clamped = Math.Min(coefficient, 1f); // torch.clamp(clip_coef, max=1.0)
        if (float.IsNaN(coefficient))
            clamped = coefficient;
        foreach (var g in grads)
        {
            for (int i = 0; i < g.Length; i++)
                g[i] *= clamped;
        }
        return norm;
    }
}
