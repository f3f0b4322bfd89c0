using System.Numerics.Tensors;

namespace Sae.Numerics;

/// <summary>
/// Plain loops for <see cref="ReluL1"/>, kept as the test oracle: the ReLU+L1 model's loops before
/// they were vectorised and chunked (a token at a time, each latent's sum over the tokens in order),
/// so these define the exact expected bits.
/// </summary>
internal static class ReluL1Reference
{
    public static long Forward(Span<float> f, ReadOnlySpan<float> bias, int rows, int n, Span<int> counts, Span<long> fires, Span<float> sums)
    {
        long active = 0;
        sums.Clear();
        for (int b = 0; b < rows; b++)
        {
            var row = f.Slice(b * n, n);
            TensorPrimitives.Add(row, bias, row);
            TensorPrimitives.Max(row, 0f, row);
            TensorPrimitives.Add(sums, row, sums);
            int c = 0;
            for (int i = 0; i < n; i++)
            {
                if (row[i] > 0f)
                {
                    c++;
                    fires[i]++;
                }
            }
            counts[b] = c;
            active += c;
        }
        return active;
    }

    public static void Backward(ReadOnlySpan<float> f, Span<float> grad, ReadOnlySpan<float> norms, float l1Scale, int rows, int n, Span<float> sums)
    {
        sums.Clear();
        for (int b = 0; b < rows; b++)
        {
            var gRow = grad.Slice(b * n, n);
            var fRow = f.Slice(b * n, n);
            for (int i = 0; i < n; i++)
                gRow[i] = fRow[i] > 0f ? gRow[i] + l1Scale * norms[i] : 0f;
            TensorPrimitives.Add(sums, gRow, sums);
        }
    }
}
