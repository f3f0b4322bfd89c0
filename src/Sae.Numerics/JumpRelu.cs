using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sae.Numerics;

/// <summary>
/// The elementwise passes of a JumpReLU SAE's training step over its pre-activations pre [rows, n]
/// (SAELens' JumpReLU with a rectangle-kernel straight-through estimator of bandwidth ε): which
/// latents fire (pre &gt; θ), which lie in the estimator's window below θ, the activations, and θ's
/// gradient. Vectorised (<see cref="Vector{T}"/>) and multi-threaded over fixed chunks: per-latent
/// results over the fixed blocks of <see cref="LatentBlocks"/> (each latent's sum runs over the
/// tokens in order), per-token results over blocks of rows; so the bits are those of the plain loops
/// in <see cref="JumpReluReference"/> whatever the thread count or vector width.
/// </summary>
/// <remarks>
/// A latent i of a token is a <i>slot</i> of the backward when it fires or (pre − θ_i)/ε &gt; −½ (SAELens'
/// window |(pre − θ)/ε| &lt; ½ reaches that far below θ; above θ the latent fires anyway).
/// </remarks>
public static unsafe class JumpRelu
{
    /// <summary>
    /// Adds the encoder bias to every row of <paramref name="pre"/> in place, counts each token's slots
    /// into <paramref name="slotCounts"/> and each latent's firing tokens into <paramref name="fires"/>
    /// (added to what is there); returns the number of (token, latent) pairs that fire.
    /// </summary>
    public static long Scan(Span<float> pre, ReadOnlySpan<float> bias, ReadOnlySpan<float> theta, float bandwidth, int rows, int n,
        Span<int> slotCounts, Span<long> fires, int threads)
    {
        CheckShapes(pre.Length, theta.Length, rows, n);
        Check.Length(bias.Length, n, "n", nameof(bias));
        Check.AtLeast(slotCounts.Length, rows, "rows", nameof(slotCounts));
        Check.Length(fires.Length, n, "n", nameof(fires));
        Check.Threads(threads);
        fixed (float* pPre = pre, pBias = bias, pTheta = theta)
        fixed (long* pFires = fires)
        {
            float* ps = pPre, bs = pBias, ts = pTheta;
            long* fs = pFires;
            return LatentBlocks.ForCounting(n, rows, threads, slotCounts,
                (first, count, rowSlots) => ScanBlock(ps, bs, ts, bandwidth, rows, n, first, count, rowSlots, fs));
        }
    }

    /// <summary>f[b, i] = pre[b, i] where pre &gt; θ_i, else 0.</summary>
    public static void Activate(ReadOnlySpan<float> pre, ReadOnlySpan<float> theta, int rows, int n, Span<float> f, int threads)
    {
        CheckShapes(pre.Length, theta.Length, rows, n);
        Check.AtLeast(f.Length, (long)rows * n, "rows·n", nameof(f));
        Check.Threads(threads);
        int per = RowChunks.RowsPerChunk(n);
        fixed (float* pPre = pre, pTheta = theta, pF = f)
        {
            float* ps = pPre, ts = pTheta, fs = pF;
            Partition.For(Partition.Count(rows, per), threads, c =>
            {
                int first = c * per, last = Math.Min(rows, first + per);
                var th = new ReadOnlySpan<float>(ts, n);
                for (int b = first; b < last; b++)
                    ActivateRow(new ReadOnlySpan<float>(ps + ((long)b * n), n), th, new Span<float>(fs + ((long)b * n), n));
            });
        }
    }

    /// <summary>
    /// Dense backward through the jump: adds θ's straight-through gradient to <paramref name="thetaGrad"/>
    /// (per (token, latent) in the window: −(θ/ε)·∂f − (1/ε)·<paramref name="stepGrad"/>, tokens in order)
    /// turns ∂f into ∂pre in place (zero where the latent does not fire) and writes ∂b_enc = Σ_b ∂pre (tokens in
    /// order) to <paramref name="biasGrad"/>. <paramref name="inverseBandwidth"/>
    /// is 1/ε as the caller rounds it (SAELens: the float64 quotient, then float32); <paramref name="stepGrad"/>
    /// is the L0 step's gradient per (token, latent), λ₀ / rows.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> pre, Span<float> grad, ReadOnlySpan<float> theta, float bandwidth, float inverseBandwidth,
        float stepGrad, int rows, int n, Span<float> thetaGrad, Span<float> biasGrad, int threads)
    {
        CheckShapes(pre.Length, theta.Length, rows, n);
        Check.AtLeast(grad.Length, (long)rows * n, "rows·n", nameof(grad));
        Check.Length(thetaGrad.Length, n, "n", nameof(thetaGrad));
        Check.Length(biasGrad.Length, n, "n", nameof(biasGrad));
        biasGrad.Clear();
        Check.Threads(threads);
        fixed (float* pPre = pre, pGrad = grad, pTheta = theta, pThetaGrad = thetaGrad, pBiasGrad = biasGrad)
        {
            float* ps = pPre, gs = pGrad, ts = pTheta, tgs = pThetaGrad, bgs = pBiasGrad;
            LatentBlocks.For(n, threads, (first, count) => BackwardBlock(ps, gs, ts, bandwidth, inverseBandwidth, stepGrad, rows, n, first, count, tgs, bgs));
        }
    }

    /// <summary>
    /// Each token's slots in increasing latent order into values/indices [rows, width] (value pre where
    /// the latent fires, else 0), then padding (value 0 at latent 0). <paramref name="slotCounts"/> are
    /// <see cref="Scan"/>'s, and width ≥ the largest of them.
    /// </summary>
    public static void GatherSlots(ReadOnlySpan<float> pre, ReadOnlySpan<float> theta, float bandwidth, int rows, int n, int width,
        ReadOnlySpan<int> slotCounts, Span<float> values, Span<int> indices, int threads)
    {
        CheckShapes(pre.Length, theta.Length, rows, n);
        Check.Positive(width);
        Check.AtLeast(values.Length, (long)rows * width, "rows·width", nameof(values));
        Check.AtLeast(indices.Length, (long)rows * width, "rows·width", nameof(indices));
        Check.AtLeast(slotCounts.Length, rows, "rows", nameof(slotCounts));
        Check.Threads(threads);
        for (int b = 0; b < rows; b++)
        {
            if (slotCounts[b] > width)
                throw new ArgumentOutOfRangeException(nameof(width), width, $"token {b} has {slotCounts[b]} slots, more than width {width}.");
        }
        int per = RowChunks.RowsPerChunk(n);
        fixed (float* pPre = pre, pTheta = theta, pValues = values)
        fixed (int* pIndices = indices)
        {
            float* ps = pPre, ts = pTheta, vs = pValues;
            int* ids = pIndices;
            Partition.For(Partition.Count(rows, per), threads, c =>
            {
                int first = c * per, last = Math.Min(rows, first + per);
                var th = new ReadOnlySpan<float>(ts, n);
                for (int b = first; b < last; b++)
                {
                    GatherRow(new ReadOnlySpan<float>(ps + ((long)b * n), n), th, bandwidth,
                        new Span<float>(vs + ((long)b * width), width), new Span<int>(ids + ((long)b * width), width));
                }
            });
        }
    }

    private static void CheckShapes(int preLength, int thetaLength, int rows, int n)
    {
        Check.NonNegative(rows);
        Check.Positive(n);
        Check.AtLeast(preLength, (long)rows * n, "rows·n", "pre");
        Check.Length(thetaLength, n, "n", "theta");
    }

    private static long ScanBlock(float* pre, float* bias, float* theta, float bandwidth, int rows, int n, int first, int count,
        Span<int> slots, long* fires)
    {
        int w = Vector<float>.Count, vectorEnd = Vector.IsHardwareAccelerated ? count - (count % w) : 0;
        // per-latent firing counts of this block (at most rows each), added to fires at the end
        Span<int> blockFires = stackalloc int[count];
        blockFires.Clear();
        ref int fireRef = ref MemoryMarshal.GetReference(blockFires);
        var bw = new Vector<float>(bandwidth);
        var minusHalf = new Vector<float>(-0.5f);
        long active = 0;
        for (int b = 0; b < rows; b++)
        {
            float* row = pre + ((long)b * n) + first;
            float* bi = bias + first;
            float* th = theta + first;
            var act = Vector<int>.Zero;
            var slot = Vector<int>.Zero;
            int j = 0;
            for (; j < vectorEnd; j += w)
            {
                var v = Vector.Load(row + j) + Vector.Load(bi + j);
                v.Store(row + j);
                var t = Vector.Load(th + j);
                var fires1 = Vector.GreaterThan(v, t);
                var inSlot = fires1 | Vector.GreaterThan((v - t) / bw, minusHalf);
                act -= fires1;
                slot -= inSlot;
                ref int f = ref Unsafe.Add(ref fireRef, j);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref f) - fires1, ref f);
            }
            int a = Vector.Sum(act), s = Vector.Sum(slot);
            for (; j < count; j++)
            {
                float v = row[j] + bi[j];
                row[j] = v;
                if (v > th[j])
                {
                    a++;
                    s++;
                    blockFires[j]++;
                }
                else if ((v - th[j]) / bandwidth > -0.5f)
                {
                    s++;
                }
            }
            active += a;
            slots[b] = s;
        }
        for (int j = 0; j < count; j++)
            fires[first + j] += blockFires[j];
        return active;
    }

    private static void ActivateRow(ReadOnlySpan<float> pre, ReadOnlySpan<float> theta, Span<float> f)
    {
        int n = pre.Length, w = Vector<float>.Count, j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; j <= n - w; j += w)
            {
                var v = new Vector<float>(pre[j..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, new Vector<float>(theta[j..])), v, Vector<float>.Zero).CopyTo(f[j..]);
            }
        }
        for (; j < n; j++)
            f[j] = pre[j] > theta[j] ? pre[j] : 0f;
    }

    private static void BackwardBlock(float* pre, float* grad, float* theta, float bandwidth, float inverseBandwidth, float stepGrad,
        int rows, int n, int first, int count, float* thetaGrad, float* biasGrad)
    {
        int w = Vector<float>.Count, vectorEnd = Vector.IsHardwareAccelerated ? count - (count % w) : 0;
        float* th = theta + first;
        float* acc = thetaGrad + first;
        float* biasAcc = biasGrad + first;
        var bw = new Vector<float>(bandwidth);
        var half = new Vector<float>(0.5f);
        var minusHalf = new Vector<float>(-0.5f);
        var stepTerm = new Vector<float>(inverseBandwidth * stepGrad);
        for (int b = 0; b < rows; b++)
        {
            float* row = pre + ((long)b * n) + first;
            float* g = grad + ((long)b * n) + first;
            int j = 0;
            for (; j < vectorEnd; j += w)
            {
                var v = Vector.Load(row + j);
                var t = Vector.Load(th + j);
                var gv = Vector.Load(g + j);
                var u = (v - t) / bw;
                var inWindow = Vector.GreaterThan(u, minusHalf) & Vector.LessThan(u, half);
                // adding +0 outside the window leaves every sum's bits as skipping it does (the sums start at +0)
                var term = (-(t / bw) * gv) - stepTerm;
                (Vector.Load(acc + j) + Vector.ConditionalSelect(inWindow, term, Vector<float>.Zero)).Store(acc + j);
                var dPre = Vector.ConditionalSelect(Vector.GreaterThan(v, t), gv, Vector<float>.Zero);
                dPre.Store(g + j);
                (Vector.Load(biasAcc + j) + dPre).Store(biasAcc + j);
            }
            for (; j < count; j++)
            {
                float u = (row[j] - th[j]) / bandwidth;
                if (u > -0.5f && u < 0.5f)
                    acc[j] += (-(th[j] / bandwidth) * g[j]) - (inverseBandwidth * stepGrad);
                if (!(row[j] > th[j]))
                    g[j] = 0f;
                biasAcc[j] += g[j];
            }
        }
    }

    private static void GatherRow(ReadOnlySpan<float> pre, ReadOnlySpan<float> theta, float bandwidth, Span<float> values, Span<int> indices)
    {
        values.Clear();
        indices.Clear();
        int n = pre.Length, w = Vector<float>.Count, j = 0, slot = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var bw = new Vector<float>(bandwidth);
            var minusHalf = new Vector<float>(-0.5f);
            for (; j <= n - w; j += w)
            {
                var v = new Vector<float>(pre[j..]);
                var t = new Vector<float>(theta[j..]);
                var inSlot = Vector.GreaterThan(v, t) | Vector.GreaterThan((v - t) / bw, minusHalf);
                if (inSlot == Vector<int>.Zero)
                    continue;
                for (int l = 0; l < w; l++)
                {
                    if (inSlot[l] != 0)
                    {
                        values[slot] = pre[j + l] > theta[j + l] ? pre[j + l] : 0f;
                        indices[slot++] = j + l;
                    }
                }
            }
        }
        for (; j < n; j++)
        {
            if (pre[j] > theta[j] || (pre[j] - theta[j]) / bandwidth > -0.5f)
            {
                values[slot] = pre[j] > theta[j] ? pre[j] : 0f;
                indices[slot++] = j;
            }
        }
    }
}
