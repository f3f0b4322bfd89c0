using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sae.Numerics;

/// <summary>
/// The elementwise passes of a ReLU+L1 SAE's training step (SAELens' standard SAE) over its
/// activations f [rows, n]: the forward's bias and ReLU with the counts and sums the step needs, and
/// the dense backward's ∂pre. Vectorised (<see cref="Vector{T}"/>) and multi-threaded over fixed
/// blocks of latents (<see cref="LatentBlocks"/>), each latent's sum running over the tokens in
/// order, so the bits are those of the plain loops in <see cref="ReluL1Reference"/> whatever the
/// thread count or vector width.
/// </summary>
public static unsafe class ReluL1
{
    /// <summary>
    /// f = relu(pre + bias) in place, row by row (as <c>TensorPrimitives.Add</c> then <c>TensorPrimitives.Max(·, 0)</c>:
    /// −0 becomes +0, NaN stays); <paramref name="counts"/>[b] = token b's latents with f &gt; 0, <paramref name="fires"/>[i]
    /// += latent i's tokens with f &gt; 0, <paramref name="sums"/>[i] = Σ_b f[b, i] (from +0, tokens in order). Returns Σ counts.
    /// </summary>
    public static long Forward(Span<float> f, ReadOnlySpan<float> bias, int rows, int n, Span<int> counts, Span<long> fires, Span<float> sums,
        int threads)
    {
        CheckShapes(f.Length, rows, n);
        Check.Length(bias.Length, n, "n", nameof(bias));
        Check.AtLeast(counts.Length, rows, "rows", nameof(counts));
        Check.Length(fires.Length, n, "n", nameof(fires));
        Check.Length(sums.Length, n, "n", nameof(sums));
        Check.Threads(threads);
        fixed (float* pF = f, pBias = bias, pSums = sums)
        fixed (long* pFires = fires)
        {
            float* fs = pF, bs = pBias, ss = pSums;
            long* fi = pFires;
            LatentBlocks.ForCounting(n, rows, threads, counts, (first, count, rowCounts) =>
            {
                ForwardBlock(fs, bs, rows, n, first, count, rowCounts, fi, ss);
                return 0;
            });
        }
        long active = 0;
        for (int b = 0; b < rows; b++)
            active += counts[b];
        return active;
    }

    /// <summary>
    /// Dense backward through the ReLU with the L1 term: grad[b, i] = grad[b, i] + l1Scale·norms[i] where
    /// f[b, i] &gt; 0, else 0 (∂f → ∂pre, in place); <paramref name="sums"/>[i] = Σ_b grad[b, i] after
    /// that (∂b_enc; from +0, tokens in order).
    /// </summary>
    public static void Backward(ReadOnlySpan<float> f, Span<float> grad, ReadOnlySpan<float> norms, float l1Scale, int rows, int n, Span<float> sums,
        int threads)
    {
        CheckShapes(f.Length, rows, n);
        Check.AtLeast(grad.Length, (long)rows * n, "rows·n", nameof(grad));
        Check.Length(norms.Length, n, "n", nameof(norms));
        Check.Length(sums.Length, n, "n", nameof(sums));
        Check.Threads(threads);
        fixed (float* pF = f, pGrad = grad, pNorms = norms, pSums = sums)
        {
            float* fs = pF, gs = pGrad, ns = pNorms, ss = pSums;
            LatentBlocks.For(n, threads, (first, count) => BackwardBlock(fs, gs, ns, l1Scale, rows, n, first, count, ss));
        }
    }

    private static void CheckShapes(int fLength, int rows, int n)
    {
        Check.NonNegative(rows);
        Check.Positive(n);
        Check.AtLeast(fLength, (long)rows * n, "rows·n", "f");
    }

    private static void ForwardBlock(float* f, float* bias, int rows, int n, int first, int count, Span<int> counts, long* fires, float* sums)
    {
        int w = Vector<float>.Count, vectorEnd = Vector.IsHardwareAccelerated ? count - (count % w) : 0;
        // per-latent firing counts of this block (at most rows each), added to fires at the end
        Span<int> blockFires = stackalloc int[count];
        blockFires.Clear();
        ref int fireRef = ref MemoryMarshal.GetReference(blockFires);
        float* bi = bias + first, sum = sums + first;
        new Span<float>(sum, count).Clear();
        for (int b = 0; b < rows; b++)
        {
            float* row = f + ((long)b * n) + first;
            var act = Vector<int>.Zero;
            int j = 0;
            for (; j < vectorEnd; j += w)
            {
                var v = Vector.Load(row + j) + Vector.Load(bi + j);
                // max(v, 0) as TensorPrimitives.Max: v unless v ≤ 0 (−0 included); NaN compares false and stays
                var fv = Vector.ConditionalSelect(Vector.LessThanOrEqual(v, Vector<float>.Zero), Vector<float>.Zero, v);
                fv.Store(row + j);
                (Vector.Load(sum + j) + fv).Store(sum + j);
                var on = Vector.GreaterThan(fv, Vector<float>.Zero);
                act -= on;
                ref int fr = ref Unsafe.Add(ref fireRef, j);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref fr) - on, ref fr);
            }
            int a = Vector.Sum(act);
            for (; j < count; j++)
            {
                float v = row[j] + bi[j];
                float fv = v <= 0f ? 0f : v;
                row[j] = fv;
                sum[j] += fv;
                if (fv > 0f)
                {
                    a++;
                    blockFires[j]++;
                }
            }
            counts[b] = a;
        }
        for (int j = 0; j < count; j++)
            fires[first + j] += blockFires[j];
    }

    private static void BackwardBlock(float* f, float* grad, float* norms, float l1Scale, int rows, int n, int first, int count, float* sums)
    {
        int w = Vector<float>.Count, vectorEnd = Vector.IsHardwareAccelerated ? count - (count % w) : 0;
        // l1Scale·‖W_dec,i‖ rounded once per latent: the same float for every token
        Span<float> l1 = stackalloc float[count];
        for (int j = 0; j < count; j++)
            l1[j] = l1Scale * norms[first + j];
        ref float l1Ref = ref MemoryMarshal.GetReference(l1);
        float* sum = sums + first;
        new Span<float>(sum, count).Clear();
        for (int b = 0; b < rows; b++)
        {
            float* fr = f + ((long)b * n) + first;
            float* g = grad + ((long)b * n) + first;
            int j = 0;
            for (; j < vectorEnd; j += w)
            {
                var on = Vector.GreaterThan(Vector.Load(fr + j), Vector<float>.Zero);
                var gv = Vector.ConditionalSelect(on, Vector.Load(g + j) + Vector.LoadUnsafe(ref Unsafe.Add(ref l1Ref, j)), Vector<float>.Zero);
                gv.Store(g + j);
                (Vector.Load(sum + j) + gv).Store(sum + j);
            }
            for (; j < count; j++)
            {
                float gv = fr[j] > 0f ? g[j] + l1[j] : 0f;
                g[j] = gv;
                sum[j] += gv;
            }
        }
    }
}
