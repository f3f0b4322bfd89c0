namespace Sae.Numerics;

/// <summary>
/// Plain loops for <see cref="JumpRelu"/>, kept as the test oracle: one token, one latent at a time,
/// each latent's θ gradient summed over the tokens in order. The fast kernels perform the same
/// per-element operations, so these define the exact expected bits.
/// </summary>
internal static class JumpReluReference
{
    /// <summary>Whether latent i of a token is a slot: it fires, or lies inside the window below θ.</summary>
    public static bool IsSlot(float pre, float theta, float bandwidth) => pre > theta || (pre - theta) / bandwidth > -0.5f;

    public static long Scan(Span<float> pre, ReadOnlySpan<float> bias, ReadOnlySpan<float> theta, float bandwidth, int rows, int n,
        Span<int> slotCounts, Span<long> fires)
    {
        long active = 0;
        for (int b = 0; b < rows; b++)
        {
            int s = 0;
            for (int i = 0; i < n; i++)
            {
                float v = pre[(b * n) + i] += bias[i];
                if (v > theta[i])
                {
                    active++;
                    fires[i]++;
                }
                if (IsSlot(v, theta[i], bandwidth))
                    s++;
            }
            slotCounts[b] = s;
        }
        return active;
    }

    public static void Activate(ReadOnlySpan<float> pre, ReadOnlySpan<float> theta, int rows, int n, Span<float> f)
    {
        for (int b = 0; b < rows; b++)
        {
            for (int i = 0; i < n; i++)
                f[(b * n) + i] = pre[(b * n) + i] > theta[i] ? pre[(b * n) + i] : 0f;
        }
    }

    public static void Backward(ReadOnlySpan<float> pre, Span<float> grad, ReadOnlySpan<float> theta, float bandwidth, float inverseBandwidth,
        float stepGrad, int rows, int n, Span<float> thetaGrad, Span<float> biasGrad)
    {
        biasGrad.Clear();
        for (int b = 0; b < rows; b++)
        {
            for (int i = 0; i < n; i++)
            {
                float v = pre[(b * n) + i];
                float u = (v - theta[i]) / bandwidth;
                if (u > -0.5f && u < 0.5f)
                    thetaGrad[i] += (-(theta[i] / bandwidth) * grad[(b * n) + i]) - (inverseBandwidth * stepGrad);
                if (!(v > theta[i]))
                    grad[(b * n) + i] = 0f;
                biasGrad[i] += grad[(b * n) + i];
            }
        }
    }

    public static void GatherSlots(ReadOnlySpan<float> pre, ReadOnlySpan<float> theta, float bandwidth, int rows, int n, int width,
        Span<float> values, Span<int> indices)
    {
        values[..(rows * width)].Clear();
        indices[..(rows * width)].Clear();
        for (int b = 0; b < rows; b++)
        {
            int slot = b * width;
            for (int i = 0; i < n; i++)
            {
                float v = pre[(b * n) + i];
                if (!IsSlot(v, theta[i], bandwidth))
                    continue;
                values[slot] = v > theta[i] ? v : 0f;
                indices[slot++] = i;
            }
        }
    }
}
