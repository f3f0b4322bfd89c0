namespace Sae.Numerics;

/// <summary>Plain loop for <see cref="ActiveSet"/>'s gather, kept as the test oracle: one row, one latent at a time.</summary>
internal static class ActiveSetReference
{
    public static void Gather(ReadOnlySpan<float> key, ReadOnlySpan<float> paired, int rows, int n, int width, Span<float> values, Span<float> pairedValues,
        Span<int> indices)
    {
        values[..(rows * width)].Clear();
        indices[..(rows * width)].Clear();
        if (!paired.IsEmpty)
            pairedValues[..(rows * width)].Clear();
        for (int b = 0; b < rows; b++)
        {
            int slot = b * width;
            for (int i = 0; i < n; i++)
            {
                float v = key[(b * n) + i];
                if (!(v > 0f))
                    continue;
                values[slot] = v;
                if (!paired.IsEmpty)
                    pairedValues[slot] = paired[(b * n) + i];
                indices[slot++] = i;
            }
        }
    }
}
