namespace Sae.Numerics;

/// <summary>
/// The loops behind <see cref="SparseOps"/> over a range of batch rows or latents, on validated
/// arguments. Each writes only the outputs of its own range, so ranges can run in parallel.
/// </summary>
internal static class SparseKernels
{
    /// <summary>output[b] = bias + Σ_j values[b, j]·w[indices[b, j]] for b in [first, end).</summary>
    public static void Decode(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int k, int d, Span<float> output, int first, int end)
    {
        for (int b = first; b < end; b++)
        {
            Span<float> row = output.Slice(b * d, d);
            bias.CopyTo(row);
            var terms = new DecodeTerms(values.Slice(b * k, k), indices.Slice(b * k, k));
            RowCombiner.Accumulate(row, w, terms);
        }
    }

    /// <summary>result[b, j] = g[b]·w[indices[b, j]] for b in [first, end).</summary>
    public static void GatherDot(ReadOnlySpan<float> g, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, int k, int d, Span<float> result, int first, int end)
    {
        for (int b = first; b < end; b++)
        {
            ReadOnlySpan<float> gRow = g.Slice(b * d, d);
            ReadOnlySpan<int> rowIndices = indices.Slice(b * k, k);
            Span<float> rowResult = result.Slice(b * k, k);
            int j = 0;
            for (; j <= k - 4; j += 4)
            {
                LaneDot.Dot4(
                    gRow, w.Slice(rowIndices[j] * d, d), w.Slice(rowIndices[j + 1] * d, d),
                    w.Slice(rowIndices[j + 2] * d, d), w.Slice(rowIndices[j + 3] * d, d), rowResult.Slice(j, 4));
            }
            for (; j < k; j++)
                rowResult[j] = LaneDot.Dot(gRow, w.Slice(rowIndices[j] * d, d));
        }
    }

    /// <summary>
    /// For latents i in [first, end) that fired: grad[i] += Σ coeff[b, j]·x[b] and
    /// gradBias[i] += Σ coeff[b, j] (when gradBias is not empty), over i's slots in increasing (b, j).
    /// </summary>
    public static void ScatterAdd(ReadOnlySpan<float> coeff, ReadOnlySpan<float> x, int d, Span<float> grad, Span<float> gradBias, SparseWorkspace workspace, int first, int end)
    {
        for (int i = first; i < end; i++)
        {
            ReadOnlySpan<int> slots = workspace.Slots(i);
            if (slots.IsEmpty)
                continue;
            var terms = new ScatterTerms(slots, workspace.BatchRows(i), coeff);
            if (d > 0)
                RowCombiner.Accumulate(grad.Slice(i * d, d), x, terms);
            if (!gradBias.IsEmpty)
            {
                float sum = gradBias[i];
                foreach (int s in slots)
                    sum += coeff[s];
                gradBias[i] = sum;
            }
        }
    }

    // Decode's terms: the k (value, latent) pairs of one batch row.
    private readonly ref struct DecodeTerms(ReadOnlySpan<float> values, ReadOnlySpan<int> indices) : IRowTerms
    {
        private readonly ReadOnlySpan<float> _values = values;
        private readonly ReadOnlySpan<int> _indices = indices;

        public int Count => _values.Length;

        public int Row(int t) => _indices[t];

        public float Coefficient(int t) => _values[t];
    }

    // ScatterAdd's terms: one latent's (coeff[b, j], x row b) pairs, in slot order.
    private readonly ref struct ScatterTerms(ReadOnlySpan<int> slots, ReadOnlySpan<int> rows, ReadOnlySpan<float> coeff) : IRowTerms
    {
        private readonly ReadOnlySpan<int> _slots = slots;
        private readonly ReadOnlySpan<int> _rows = rows;
        private readonly ReadOnlySpan<float> _coeff = coeff;

        public int Count => _slots.Length;

        public int Row(int t) => _rows[t];

        public float Coefficient(int t) => _coeff[_slots[t]];
    }
}
