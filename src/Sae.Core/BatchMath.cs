using System.Numerics.Tensors;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>Small deterministic reductions over a batch [rows, d] that the models share (single-threaded, fixed order).</summary>
internal static class BatchMath
{
    /// <summary>x − bias per row: dst[b] = x[b] − bias.</summary>
    public static void SubtractRows(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, int rows, Span<float> dst)
    {
        int d = bias.Length;
        for (int b = 0; b < rows; b++)
            TensorPrimitives.Subtract(x.Slice(b * d, d), bias, dst.Slice(b * d, d));
    }

    /// <summary>sums = Σ_b x[b] (rows added in order, in float, like a column sum in torch).</summary>
    public static void ColumnSums(ReadOnlySpan<float> x, int rows, Span<float> sums)
    {
        sums.Clear();
        AddColumnSums(x, rows, sums);
    }

    /// <summary>sums += Σ_b x[b] (rows added in order).</summary>
    public static void AddColumnSums(ReadOnlySpan<float> x, int rows, Span<float> sums)
    {
        int d = sums.Length;
        for (int b = 0; b < rows; b++)
            TensorPrimitives.Add(sums, x.Slice(b * d, d), sums);
    }

    /// <summary>Σ_b ‖x[b] − mean(x)‖²: the total variance the FVU divides by (double accumulation).</summary>
    public static double TotalVariance(ReadOnlySpan<float> x, int rows, Span<float> mean, Span<float> scratchRow, int threads)
    {
        int d = mean.Length;
        ColumnOps.ColumnMeans(x, rows, d, mean, threads);
        double total = 0;
        for (int b = 0; b < rows; b++)
        {
            TensorPrimitives.Subtract(x.Slice(b * d, d), mean, scratchRow);
            total += GradientClip.SumOfSquares(scratchRow);
        }
        return total;
    }

    /// <summary>
    /// The encoder input's part of ∂b_dec: xc = x − b_dec, so ∂b_dec −= Σ_i s_i·W_enc,i with s_i the
    /// latent's summed pre-activation gradient over the batch (∂b_enc for most SAEs; Gated's ∂z sums).
    /// </summary>
    public static void SubtractEncoderInputGradient(ReadOnlySpan<float> encoderWeight, ReadOnlySpan<float> latentSums, int d, Span<float> gradDecoderBias)
    {
        for (int i = 0; i < latentSums.Length; i++)
        {
            if (latentSums[i] != 0f)
                TensorPrimitives.MultiplyAdd(encoderWeight.Slice(i * d, d), -latentSums[i], gradDecoderBias, gradDecoderBias);
        }
    }

    /// <summary>
    /// The derivative of the decoder-norm-weighted L1 (SAELens' ReLU+L1 and Gated): ∂W_dec,i +=
    /// scale·sums_i·W_dec,i/‖W_dec,i‖ with sums_i the latent's summed activations over the batch.
    /// </summary>
    public static void AddL1DecoderGradient(ReadOnlySpan<float> decoderWeight, ReadOnlySpan<float> norms, ReadOnlySpan<float> sums, float scale, int d,
        Span<float> gradDecoderWeight)
    {
        for (int i = 0; i < sums.Length; i++)
        {
            if (norms[i] > 0f && sums[i] != 0f)
            {
                var g = gradDecoderWeight.Slice(i * d, d);
                TensorPrimitives.MultiplyAdd(decoderWeight.Slice(i * d, d), scale * sums[i] / norms[i], g, g);
            }
        }
    }

    /// <summary>r = x̂ − x in place (x̂ becomes the residual) and returns Σ r² (double).</summary>
    public static double Residual(Span<float> xhat, ReadOnlySpan<float> x)
    {
        TensorPrimitives.Subtract(xhat, x, xhat);
        return GradientClip.SumOfSquares(xhat);
    }
}
