namespace Sae.Numerics;

/// <summary>
/// Multi-threaded drivers of <see cref="SparseKernels"/>: pin the spans (a lambda cannot capture
/// a span) and run fixed chunks through <see cref="Partition.For"/>. Chunk sizes come from
/// <see cref="SparseOps"/> and depend on the problem size only.
/// </summary>
internal static unsafe class SparseParallel
{
    /// <summary>Decode over chunks of <paramref name="rowsPerChunk"/> batch rows.</summary>
    public static void Decode(ReadOnlySpan<float> values, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, int batch, int k, int d, Span<float> output, int rowsPerChunk, int chunks, int threads)
    {
        int selected = values.Length, wLength = w.Length, outLength = output.Length;
        fixed (float* pValues = values, pW = w, pBias = bias, pOut = output)
        fixed (int* pIndices = indices)
        {
            // Fixed locals cannot be captured; copies of the pointers can.
            float* vs = pValues, ws = pW, bs = pBias, os = pOut;
            int* ids = pIndices;
            Partition.For(chunks, threads, chunk =>
            {
                int first = chunk * rowsPerChunk;
                SparseKernels.Decode(
                    new ReadOnlySpan<float>(vs, selected), new ReadOnlySpan<int>(ids, selected), new ReadOnlySpan<float>(ws, wLength),
                    new ReadOnlySpan<float>(bs, d), k, d, new Span<float>(os, outLength), first, Math.Min(batch, first + rowsPerChunk));
            });
        }
    }

    /// <summary>GatherDot over chunks of <paramref name="rowsPerChunk"/> batch rows.</summary>
    public static void GatherDot(ReadOnlySpan<float> g, ReadOnlySpan<int> indices, ReadOnlySpan<float> w, int batch, int k, int d, Span<float> result, int rowsPerChunk, int chunks, int threads)
    {
        int gLength = g.Length, selected = indices.Length, wLength = w.Length;
        fixed (float* pG = g, pW = w, pResult = result)
        fixed (int* pIndices = indices)
        {
            float* gs = pG, ws = pW, rs = pResult;
            int* ids = pIndices;
            Partition.For(chunks, threads, chunk =>
            {
                int first = chunk * rowsPerChunk;
                SparseKernels.GatherDot(
                    new ReadOnlySpan<float>(gs, gLength), new ReadOnlySpan<int>(ids, selected), new ReadOnlySpan<float>(ws, wLength),
                    k, d, new Span<float>(rs, selected), first, Math.Min(batch, first + rowsPerChunk));
            });
        }
    }

    /// <summary>ScatterAdd over chunks of <paramref name="latentsPerChunk"/> latents.</summary>
    public static void ScatterAdd(ReadOnlySpan<float> coeff, ReadOnlySpan<float> x, int d, Span<float> grad, Span<float> gradBias, SparseWorkspace workspace, int latentsPerChunk, int chunks, int threads)
    {
        int coeffLength = coeff.Length, xLength = x.Length, gradLength = grad.Length, biasLength = gradBias.Length;
        int n = workspace.Latents;
        fixed (float* pCoeff = coeff, pX = x, pGrad = grad, pBias = gradBias)
        {
            float* cs = pCoeff, xs = pX, gs = pGrad, bs = pBias;
            Partition.For(chunks, threads, chunk =>
            {
                int first = chunk * latentsPerChunk;
                SparseKernels.ScatterAdd(
                    new ReadOnlySpan<float>(cs, coeffLength), new ReadOnlySpan<float>(xs, xLength), d, new Span<float>(gs, gradLength),
                    new Span<float>(bs, biasLength), workspace, first, Math.Min(n, first + latentsPerChunk));
            });
        }
    }
}
