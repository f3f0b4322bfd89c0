using System.Numerics.Tensors;

namespace Sae.Numerics;

/// <summary>
/// Plain loops for <see cref="Gated"/>, kept as the test oracle: the Gated model's loops before they
/// were vectorised and chunked (a token at a time, each latent's sum over the tokens in order), so
/// these define the exact expected bits.
/// </summary>
internal static class GatedReference
{
    public static long Activate(ReadOnlySpan<float> z, ReadOnlySpan<float> gateBias, ReadOnlySpan<float> scale, ReadOnlySpan<float> magBias,
        int rows, int n, Span<float> f, Span<float> gate, Span<int> gateCounts, Span<long> fires, Span<float> gateSums)
    {
        long active = 0;
        gateSums.Clear();
        for (int b = 0; b < rows; b++)
        {
            var zRow = z.Slice(b * n, n);
            var fRow = f.Slice(b * n, n);
            var gRow = gate.Slice(b * n, n);
            TensorPrimitives.Add(zRow, gateBias, gRow);
            TensorPrimitives.MultiplyAdd(zRow, scale, magBias, fRow);
            int gates = 0;
            for (int i = 0; i < n; i++)
            {
                if (!(gRow[i] > 0f))
                {
                    gRow[i] = 0f;
                    fRow[i] = 0f;
                    continue;
                }
                gates++;
                if (fRow[i] > 0f)
                {
                    active++;
                    fires[i]++;
                }
                else
                {
                    fRow[i] = 0f;
                }
            }
            gateCounts[b] = gates;
            TensorPrimitives.Add(gateSums, gRow, gateSums);
        }
        return active;
    }

    public static void Backward(Span<float> z, ReadOnlySpan<float> gate, ReadOnlySpan<float> f, ReadOnlySpan<float> gradGate, ReadOnlySpan<float> gradF,
        ReadOnlySpan<float> norms, ReadOnlySpan<float> scale, float l1Scale, int rows, int n, Span<float> gradGateBias, Span<float> gradMagBias,
        Span<float> gradMagSum)
    {
        gradGateBias.Clear();
        gradMagBias.Clear();
        gradMagSum.Clear();
        for (int b = 0; b < rows; b++)
        {
            for (int i = 0; i < n; i++)
            {
                int s = (b * n) + i;
                float dz = 0f;
                if (gate[s] > 0f)
                {
                    float dGate = gradGate[s] + l1Scale * norms[i];
                    float dMag = f[s] > 0f ? gradF[s] : 0f;
                    gradGateBias[i] += dGate;
                    gradMagBias[i] += dMag;
                    gradMagSum[i] += dMag * z[s];
                    dz = dGate + scale[i] * dMag;
                }
                z[s] = dz;
            }
        }
    }
}
