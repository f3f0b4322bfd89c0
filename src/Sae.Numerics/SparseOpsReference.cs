namespace Sae.Numerics;

/// <summary>
/// Plain loops for <see cref="SparseOps"/>, kept as the test oracle. Decode and ScatterAddRows use
/// the same per-element fused multiply-adds in the same order as the fast kernels, so they define
/// the exact expected bits; GatherDot sums in double, so the fast one is compared within a tolerance.
/// </summary>
internal static class SparseOpsReference
{
    /// <summary>output[b] = bias + Σ_j values[b, j]·w[indices[b, j]], j ascending, by fma.</summary>
    public static void Decode(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch, int k, int d, Span<float> output)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int e = 0; e < d; e++)
            {
                float acc = bias[e];
                for (int j = 0; j < k; j++)
                    acc = MathF.FusedMultiplyAdd(values[(b * k) + j], w[(indices[(b * k) + j] * d) + e], acc);
                output[(b * d) + e] = acc;
            }
        }
    }

    /// <summary>result[b, j] = Σ_e g[b, e]·w[indices[b, j], e], summed in double and rounded once.</summary>
    public static void GatherDot(ReadOnlySpan<float> g, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, int batch, int k, int d, Span<float> result)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < k; j++)
            {
                double sum = 0;
                int row = indices[(b * k) + j];
                for (int e = 0; e < d; e++)
                    sum += (double)g[(b * d) + e] * w[(row * d) + e];
                result[(b * k) + j] = (float)sum;
            }
        }
    }

    /// <summary>For b, then j: grad[indices[b, j]] += coeff[b, j]·x[b] (fma) and gradBias[indices[b, j]] += coeff[b, j].</summary>
    public static void ScatterAddRows(ReadOnlySpan<float> coeff, ReadOnlySpan<int> indices, ReadOnlySpan<float> x, int batch, int k, int d, Span<float> grad, Span<float> gradBias)
    {
        for (int b = 0; b < batch; b++)
        {
            for (int j = 0; j < k; j++)
            {
                int latent = indices[(b * k) + j];
                float c = coeff[(b * k) + j];
                for (int e = 0; e < d; e++)
                    grad[(latent * d) + e] = MathF.FusedMultiplyAdd(c, x[(b * d) + e], grad[(latent * d) + e]);
                if (!gradBias.IsEmpty)
                    gradBias[latent] += c;
            }
        }
    }
}
