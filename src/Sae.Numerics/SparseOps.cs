namespace Sae.Numerics;

/// <summary>
/// Sparse decode and backward of a TopK sparse autoencoder. Shapes: batch B, latents n, model
/// dimension d, k active latents per row given as values/indices [B, k] (e.g. from
/// <see cref="TopK.Rows"/>). Every operation is bit-identical for any thread count and any
/// vector width (each output element is computed by the same fused multiply-adds in the same
/// order). Indices are validated up front: one outside [0, n) throws before anything is written.
/// Zero-sized dimensions are allowed (d = 0, k = 0, B = 0 do nothing beyond validation).
/// </summary>
public static class SparseOps
{
    // Multiply-adds per parallel chunk: chunk sizes follow the problem size only (see Partition).
    private const int ChunkWork = 1 << 17;

    // One spare workspace for the overload without one (taken and given back, never shared).
    private static SparseWorkspace? s_spare;

    /// <summary>
    /// Sparse decode: output[b] = bias + Σ_j values[b, j]·w[indices[b, j]], accumulated per element
    /// as fma(values[b, j], w[indices[b, j], e], acc) for j = 0 … k − 1 in order, starting from bias.
    /// </summary>
    /// <param name="values">Active latent values, [B, k].</param>
    /// <param name="indices">Active latent indices, [B, k], each in [0, n).</param>
    /// <param name="w">Decoder rows, [n, d].</param>
    /// <param name="bias">Decoder bias, [d].</param>
    /// <param name="batch">B ≥ 0.</param>
    /// <param name="k">Active latents per row ≥ 0.</param>
    /// <param name="n">Latents ≥ 0.</param>
    /// <param name="d">Model dimension ≥ 0.</param>
    /// <param name="output">Reconstruction, [B, d], overwritten.</param>
    /// <param name="threads">Threads (≥ 1) over fixed chunks of batch rows.</param>
    public static void Decode(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch, int k, int n, int d, Span<float> output, int threads = 1)
    {
        CheckDimensions(batch, k, n, d, threads);
        CheckSelection(values, indices, batch, k, n, nameof(values));
        Check.Length(w.Length, Check.Product(n, d, "n·d"), $"n·d = {n}·{d}", nameof(w));
        Check.Length(bias.Length, d, "d", nameof(bias));
        Check.Length(output.Length, Check.Product(batch, d, "batch·d"), $"batch·d = {batch}·{d}", nameof(output));
        int rowsPerChunk = PerChunk((long)k * d);
        int chunks = Partition.Count(batch, rowsPerChunk);
        if (threads == 1 || chunks <= 1)
            SparseKernels.Decode(values, indices, w, bias, k, d, output, 0, batch);
        else
            SparseParallel.Decode(values, indices, w, bias, batch, k, d, output, rowsPerChunk, chunks, threads);
    }

    /// <summary>
    /// Gradient with respect to the active latent values: result[b, j] = g[b]·w[indices[b, j]],
    /// each dot summed in the fixed 32-lane order of every width (element e into lane e mod 32 by
    /// fused multiply-add, then a fixed pairwise tree over the lanes).
    /// </summary>
    /// <param name="g">Gradient of the reconstruction, [B, d].</param>
    /// <param name="indices">Active latent indices, [B, k], each in [0, n).</param>
    /// <param name="w">Decoder rows, [n, d].</param>
    /// <param name="batch">B ≥ 0.</param>
    /// <param name="k">Active latents per row ≥ 0.</param>
    /// <param name="n">Latents ≥ 0.</param>
    /// <param name="d">Model dimension ≥ 0 (d = 0 gives zeros).</param>
    /// <param name="result">[B, k], overwritten.</param>
    /// <param name="threads">Threads (≥ 1) over fixed chunks of batch rows.</param>
    public static void GatherDot(ReadOnlySpan<float> g, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, int batch, int k, int n, int d, Span<float> result, int threads = 1)
    {
        CheckDimensions(batch, k, n, d, threads);
        long selected = Check.Product(batch, k, "batch·k");
        Check.Length(g.Length, Check.Product(batch, d, "batch·d"), $"batch·d = {batch}·{d}", nameof(g));
        Check.Length(indices.Length, selected, $"batch·k = {batch}·{k}", nameof(indices));
        Check.Length(w.Length, Check.Product(n, d, "n·d"), $"n·d = {n}·{d}", nameof(w));
        Check.Length(result.Length, selected, $"batch·k = {batch}·{k}", nameof(result));
        CheckIndices(indices, k, n);
        int rowsPerChunk = PerChunk((long)k * d);
        int chunks = Partition.Count(batch, rowsPerChunk);
        if (threads == 1 || chunks <= 1)
            SparseKernels.GatherDot(g, indices, w, k, d, result, 0, batch);
        else
            SparseParallel.GatherDot(g, indices, w, batch, k, d, result, rowsPerChunk, chunks, threads);
    }

    /// <summary>
    /// grad[indices[b, j]] += coeff[b, j]·x[b] for all b, j; only selected rows of grad are touched.
    /// Same result as the workspace overload without a bias gradient (see there for the order);
    /// uses a pooled <see cref="SparseWorkspace"/> (kept alive between calls).
    /// </summary>
    /// <param name="coeff">Coefficients, [B, k].</param>
    /// <param name="indices">Latent indices, [B, k], each in [0, n).</param>
    /// <param name="x">Input rows, [B, d].</param>
    /// <param name="batch">B ≥ 0.</param>
    /// <param name="k">Slots per row ≥ 0.</param>
    /// <param name="n">Latents ≥ 0.</param>
    /// <param name="d">Row length ≥ 0.</param>
    /// <param name="grad">Gradient rows, [n, d], accumulated into.</param>
    /// <param name="threads">Threads (≥ 1) over fixed chunks of latents.</param>
    public static void ScatterAddRows(ReadOnlySpan<float> coeff, ReadOnlySpan<int> indices, ReadOnlySpan<float> x, int batch, int k, int n, int d, Span<float> grad, int threads = 1)
    {
        CheckDimensions(batch, k, n, d, threads);
        CheckSelection(coeff, indices, batch, k, n, nameof(coeff));
        CheckScatterRows(x, grad, [], batch, n, d);
        SparseWorkspace workspace = Interlocked.Exchange(ref s_spare, null) ?? new SparseWorkspace();
        workspace.Build(indices, batch, k, n);
        ScatterAddRows(coeff, x, d, grad, [], workspace, threads);
        Volatile.Write(ref s_spare, workspace);
    }

    /// <summary>
    /// grad[i] += Σ coeff[b, j]·x[b] and, when <paramref name="gradBias"/> is not empty,
    /// gradBias[i] += Σ coeff[b, j], over the slots (b, j) with indices[b, j] = i taken from
    /// <paramref name="workspace"/> (built from the indices with <see cref="SparseWorkspace.Build"/>).
    /// Per element the terms are added in increasing (b, j) order, grad by fused multiply-add and
    /// gradBias by plain addition: exactly the order of a loop over b, then j. Latents are split
    /// into fixed chunks across threads; a latent that did not fire is not touched.
    /// </summary>
    /// <param name="coeff">Coefficients, [B, k], with B, k from the workspace.</param>
    /// <param name="x">Input rows, [B, d].</param>
    /// <param name="d">Row length ≥ 0 (d = 0 accumulates only the bias gradient).</param>
    /// <param name="grad">Gradient rows, [n, d], accumulated into.</param>
    /// <param name="gradBias">Empty, or [n] bias gradient accumulated into.</param>
    /// <param name="workspace">The latent-major slot lists of the batch's indices.</param>
    /// <param name="threads">Threads (≥ 1).</param>
    public static void ScatterAddRows(ReadOnlySpan<float> coeff, ReadOnlySpan<float> x, int d, Span<float> grad, Span<float> gradBias, SparseWorkspace workspace, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        int batch = workspace.Batch, k = workspace.K, n = workspace.Latents;
        CheckDimensions(batch, k, n, d, threads);
        Check.Length(coeff.Length, Check.Product(batch, k, "batch·k"), $"batch·k = {batch}·{k} (from workspace)", nameof(coeff));
        CheckScatterRows(x, grad, gradBias, batch, n, d);
        long work = Math.Max(1, Check.Product(batch, k, "batch·k") * Math.Max(d, 1) / Math.Max(n, 1));
        int latentsPerChunk = PerChunk(work);
        int chunks = Partition.Count(n, latentsPerChunk);
        if (threads == 1 || chunks <= 1)
            SparseKernels.ScatterAdd(coeff, x, d, grad, gradBias, workspace, 0, n);
        else
            SparseParallel.ScatterAdd(coeff, x, d, grad, gradBias, workspace, latentsPerChunk, chunks, threads);
    }

    /// <summary>counts[i] = number of entries of <paramref name="indices"/> equal to i (overwritten), for i in [0, n).</summary>
    /// <param name="indices">Latent indices, any shape, each in [0, n).</param>
    /// <param name="n">Latents ≥ 0.</param>
    /// <param name="counts">[n] output.</param>
    public static void CountFires(ReadOnlySpan<int> indices, int n, Span<int> counts)
    {
        Check.NonNegative(n);
        Check.Length(counts.Length, n, "n", nameof(counts));
        CheckIndices(indices, 0, n);
        counts.Clear();
        foreach (int i in indices)
            counts[i]++;
    }

    /// <summary>Throws for the first index outside [0, n), naming its batch row and slot when k ≥ 1.</summary>
    internal static void CheckIndices(ReadOnlySpan<int> indices, int k, int n)
    {
        for (int s = 0; s < indices.Length; s++)
        {
            if ((uint)indices[s] >= (uint)n)
            {
                string where = k > 0 ? $"indices[{s / k}, {s % k}] (batch row {s / k}, slot {s % k})" : $"indices[{s}]";
                throw new ArgumentOutOfRangeException(nameof(indices), indices[s], $"{where} = {indices[s]} is outside [0, n) = [0, {n}).");
            }
        }
    }

    private static int PerChunk(long workPerItem) => (int)Math.Max(1, ChunkWork / Math.Max(1, workPerItem));

    private static void CheckDimensions(int batch, int k, int n, int d, int threads)
    {
        Check.NonNegative(batch);
        Check.NonNegative(k);
        Check.NonNegative(n);
        Check.NonNegative(d);
        Check.Threads(threads);
    }

    private static void CheckSelection(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, int batch, int k, int n, string valuesName)
    {
        long selected = Check.Product(batch, k, "batch·k");
        Check.Length(values.Length, selected, $"batch·k = {batch}·{k}", valuesName);
        Check.Length(indices.Length, selected, $"batch·k = {batch}·{k}", nameof(indices));
        CheckIndices(indices, k, n);
    }

    private static void CheckScatterRows(ReadOnlySpan<float> x, ReadOnlySpan<float> grad, ReadOnlySpan<float> gradBias, int batch, int n, int d)
    {
        Check.Length(x.Length, Check.Product(batch, d, "batch·d"), $"batch·d = {batch}·{d}", nameof(x));
        Check.Length(grad.Length, Check.Product(n, d, "n·d"), $"n·d = {n}·{d}", nameof(grad));
        if (!gradBias.IsEmpty)
            Check.Length(gradBias.Length, n, "n (or 0 for no bias gradient)", nameof(gradBias));
    }
}
