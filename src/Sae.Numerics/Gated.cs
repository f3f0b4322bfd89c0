using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sae.Numerics;

/// <summary>
/// The elementwise passes of a Gated SAE's training step (SAELens' GatedTrainingSAE) over z =
/// (x − b_dec)·W_encᵀ [rows, n]: the gate and magnitude activations with the counts and sums the step
/// needs, and the dense backward's gate and magnitude gradients. Vectorised (<see cref="Vector{T}"/>)
/// and multi-threaded over fixed blocks of latents (<see cref="LatentBlocks"/>), each latent's sum
/// running over the tokens in order, so the bits are those of the plain loops in
/// <see cref="GatedReference"/> whatever the thread count or vector width.
/// </summary>
public static unsafe class Gated
{
    /// <summary>
    /// gate = relu(π_gate) with π_gate = z + <paramref name="gateBias"/>, and f = π_mag where π_gate &gt; 0 and
    /// π_mag &gt; 0, else 0, with π_mag = (z·<paramref name="scale"/>) + <paramref name="magBias"/> (a product
    /// then a sum, not fused: as <c>TensorPrimitives.MultiplyAdd</c>); NaN counts as not &gt; 0.
    /// <paramref name="gateCounts"/>[b] = token b's latents with gate &gt; 0, <paramref name="fires"/>[i] += latent
    /// i's tokens with f &gt; 0, <paramref name="gateSums"/>[i] = Σ_b gate[b, i] (from +0, tokens in order).
    /// Returns the number of f &gt; 0.
    /// </summary>
    public static long Activate(ReadOnlySpan<float> z, ReadOnlySpan<float> gateBias, ReadOnlySpan<float> scale, ReadOnlySpan<float> magBias,
        int rows, int n, Span<float> f, Span<float> gate, Span<int> gateCounts, Span<long> fires, Span<float> gateSums, int threads)
    {
        CheckShapes(z.Length, rows, n);
        Check.Length(gateBias.Length, n, "n", nameof(gateBias));
        Check.Length(scale.Length, n, "n", nameof(scale));
        Check.Length(magBias.Length, n, "n", nameof(magBias));
        Check.AtLeast(f.Length, (long)rows * n, "rows·n", nameof(f));
        Check.AtLeast(gate.Length, (long)rows * n, "rows·n", nameof(gate));
        Check.AtLeast(gateCounts.Length, rows, "rows", nameof(gateCounts));
        Check.Length(fires.Length, n, "n", nameof(fires));
        Check.Length(gateSums.Length, n, "n", nameof(gateSums));
        Check.Threads(threads);
        fixed (float* pZ = z, pGateBias = gateBias, pScale = scale, pMagBias = magBias, pF = f, pGate = gate, pSums = gateSums)
        fixed (long* pFires = fires)
        {
            var a = new ActivateArgs(pZ, pGateBias, pScale, pMagBias, pF, pGate, pFires, pSums, rows, n);
            return LatentBlocks.ForCounting(n, rows, threads, gateCounts, (first, count, rowCounts) => ActivateBlock(a, first, count, rowCounts));
        }
    }

    /// <summary>
    /// Dense backward through the gate and magnitude paths, per (token, latent i) where gate &gt; 0:
    /// ∂π_gate = ∂gate + l1Scale·norms[i], ∂π_mag = ∂f where f &gt; 0 (else 0); sums over the tokens in order
    /// (from +0): <paramref name="gradGateBias"/> = Σ_b ∂π_gate, <paramref name="gradMagBias"/> = Σ_b ∂π_mag,
    /// <paramref name="gradMagSum"/> = Σ_b ∂π_mag·z; and z becomes ∂z = ∂π_gate + scale[i]·∂π_mag in place
    /// (0 where gate ≤ 0). <paramref name="scale"/> is exp(r_mag).
    /// </summary>
    public static void Backward(Span<float> z, ReadOnlySpan<float> gate, ReadOnlySpan<float> f, ReadOnlySpan<float> gradGate, ReadOnlySpan<float> gradF,
        ReadOnlySpan<float> norms, ReadOnlySpan<float> scale, float l1Scale, int rows, int n, Span<float> gradGateBias, Span<float> gradMagBias,
        Span<float> gradMagSum, int threads)
    {
        CheckShapes(z.Length, rows, n);
        long size = (long)rows * n;
        Check.AtLeast(gate.Length, size, "rows·n", nameof(gate));
        Check.AtLeast(f.Length, size, "rows·n", nameof(f));
        Check.AtLeast(gradGate.Length, size, "rows·n", nameof(gradGate));
        Check.AtLeast(gradF.Length, size, "rows·n", nameof(gradF));
        Check.Length(norms.Length, n, "n", nameof(norms));
        Check.Length(scale.Length, n, "n", nameof(scale));
        Check.Length(gradGateBias.Length, n, "n", nameof(gradGateBias));
        Check.Length(gradMagBias.Length, n, "n", nameof(gradMagBias));
        Check.Length(gradMagSum.Length, n, "n", nameof(gradMagSum));
        Check.Threads(threads);
        fixed (float* pZ = z, pGate = gate, pF = f, pGradGate = gradGate, pGradF = gradF, pNorms = norms, pScale = scale)
        fixed (float* pGradGateBias = gradGateBias, pGradMagBias = gradMagBias, pGradMagSum = gradMagSum)
        {
            var a = new BackwardArgs(pZ, pGate, pF, pGradGate, pGradF, pNorms, pScale, pGradGateBias, pGradMagBias, pGradMagSum, l1Scale, rows, n);
            LatentBlocks.For(n, threads, (first, count) => BackwardBlock(a, first, count));
        }
    }

    private static void CheckShapes(int zLength, int rows, int n)
    {
        Check.NonNegative(rows);
        Check.Positive(n);
        Check.AtLeast(zLength, (long)rows * n, "rows·n", "z");
    }

    /// <summary>The pinned operands of <see cref="Activate"/>, for its blocks.</summary>
    private readonly struct ActivateArgs(float* z, float* gateBias, float* scale, float* magBias, float* f, float* gate, long* fires,
        float* gateSums, int rows, int n)
    {
        public readonly float* Z = z, GateBias = gateBias, Scale = scale, MagBias = magBias, F = f, Gate = gate, GateSums = gateSums;
        public readonly long* Fires = fires;
        public readonly int Rows = rows, N = n;
    }

    /// <summary>The pinned operands of <see cref="Backward"/>, for its blocks.</summary>
    private readonly struct BackwardArgs(float* z, float* gate, float* f, float* gradGate, float* gradF, float* norms, float* scale,
        float* gradGateBias, float* gradMagBias, float* gradMagSum, float l1Scale, int rows, int n)
    {
        public readonly float* Z = z, Gate = gate, F = f, GradGate = gradGate, GradF = gradF, Norms = norms, Scale = scale;
        public readonly float* GradGateBias = gradGateBias, GradMagBias = gradMagBias, GradMagSum = gradMagSum;
        public readonly float L1Scale = l1Scale;
        public readonly int Rows = rows, N = n;
    }

    private static long ActivateBlock(ActivateArgs a, int first, int count, Span<int> counts)
    {
        int w = Vector<float>.Count, vectorEnd = Vector.IsHardwareAccelerated ? count - (count % w) : 0;
        // per-latent firing counts of this block (at most rows each), added to fires at the end
        Span<int> blockFires = stackalloc int[count];
        blockFires.Clear();
        ref int fireRef = ref MemoryMarshal.GetReference(blockFires);
        float* gb = a.GateBias + first, sc = a.Scale + first, mb = a.MagBias + first, sum = a.GateSums + first;
        new Span<float>(sum, count).Clear();
        long active = 0;
        for (int b = 0; b < a.Rows; b++)
        {
            long offset = ((long)b * a.N) + first;
            float* zr = a.Z + offset, fr = a.F + offset, gr = a.Gate + offset;
            var act = Vector<int>.Zero;
            var gateOn = Vector<int>.Zero;
            int j = 0;
            for (; j < vectorEnd; j += w)
            {
                var zv = Vector.Load(zr + j);
                var g = zv + Vector.Load(gb + j);
                var m = (zv * Vector.Load(sc + j)) + Vector.Load(mb + j);
                var on = Vector.GreaterThan(g, Vector<float>.Zero);
                var fires = on & Vector.GreaterThan(m, Vector<float>.Zero);
                var gv = Vector.ConditionalSelect(on, g, Vector<float>.Zero);
                gv.Store(gr + j);
                Vector.ConditionalSelect(fires, m, Vector<float>.Zero).Store(fr + j);
                (Vector.Load(sum + j) + gv).Store(sum + j);
                gateOn -= on;
                act -= fires;
                ref int fi = ref Unsafe.Add(ref fireRef, j);
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref fi) - fires, ref fi);
            }
            int actives = Vector.Sum(act), gates = Vector.Sum(gateOn);
            for (; j < count; j++)
            {
                float g = zr[j] + gb[j], m = (zr[j] * sc[j]) + mb[j];
                if (!(g > 0f))
                {
                    g = 0f;
                    m = 0f;
                }
                else
                {
                    gates++;
                    if (m > 0f)
                    {
                        actives++;
                        blockFires[j]++;
                    }
                    else
                    {
                        m = 0f;
                    }
                }
                gr[j] = g;
                fr[j] = m;
                sum[j] += g;
            }
            active += actives;
            counts[b] = gates;
        }
        for (int j = 0; j < count; j++)
            a.Fires[first + j] += blockFires[j];
        return active;
    }

    private static void BackwardBlock(BackwardArgs a, int first, int count)
    {
        int w = Vector<float>.Count, vectorEnd = Vector.IsHardwareAccelerated ? count - (count % w) : 0;
        // l1Scale·‖W_dec,i‖ rounded once per latent: the same float for every token
        Span<float> l1 = stackalloc float[count];
        for (int j = 0; j < count; j++)
            l1[j] = a.L1Scale * a.Norms[first + j];
        ref float l1Ref = ref MemoryMarshal.GetReference(l1);
        float* sc = a.Scale + first, sumGate = a.GradGateBias + first, sumMag = a.GradMagBias + first, sumR = a.GradMagSum + first;
        new Span<float>(sumGate, count).Clear();
        new Span<float>(sumMag, count).Clear();
        new Span<float>(sumR, count).Clear();
        var zero = Vector<float>.Zero;
        for (int b = 0; b < a.Rows; b++)
        {
            long offset = ((long)b * a.N) + first;
            float* zr = a.Z + offset, gate = a.Gate + offset, f = a.F + offset, gGate = a.GradGate + offset, gF = a.GradF + offset;
            int j = 0;
            for (; j < vectorEnd; j += w)
            {
                // where the gate is off every term is +0, and adding +0 leaves each sum's bits as skipping it does (the sums start at +0)
                var on = Vector.GreaterThan(Vector.Load(gate + j), zero);
                var dGate = Vector.Load(gGate + j) + Vector.LoadUnsafe(ref Unsafe.Add(ref l1Ref, j));
                var dMag = Vector.ConditionalSelect(Vector.GreaterThan(Vector.Load(f + j), zero), Vector.Load(gF + j), zero);
                var zv = Vector.Load(zr + j);
                (Vector.Load(sumGate + j) + Vector.ConditionalSelect(on, dGate, zero)).Store(sumGate + j);
                (Vector.Load(sumMag + j) + Vector.ConditionalSelect(on, dMag, zero)).Store(sumMag + j);
                (Vector.Load(sumR + j) + Vector.ConditionalSelect(on, dMag * zv, zero)).Store(sumR + j);
                Vector.ConditionalSelect(on, dGate + (Vector.Load(sc + j) * dMag), zero).Store(zr + j);
            }
            for (; j < count; j++)
            {
                float dz = 0f;
                if (gate[j] > 0f)
                {
                    float dGate = gGate[j] + l1[j];
                    float dMag = f[j] > 0f ? gF[j] : 0f;
                    sumGate[j] += dGate;
                    sumMag[j] += dMag;
                    sumR[j] += dMag * zr[j];
                    dz = dGate + (sc[j] * dMag);
                }
                zr[j] = dz;
            }
        }
    }
}
