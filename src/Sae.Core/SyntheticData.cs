using System.Buffers;
using System.Runtime.InteropServices;
using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// Synthetic activations with known ground-truth features (Sharkey et al. 2022): G unit directions
/// gᵢ in d dimensions (Gaussian, then normalised); feature i is active with probability
/// pᵢ = min(1, c·0.99ⁱ), c set so that Σ pᵢ = the expected active count; an active feature has
/// magnitude cᵢ ~ U(0, 1] (1 − u, so an active code is never 0); row x = Σ cᵢ·gᵢ (ascending i, float).
/// <para>Correlated variant: activity is a thresholded multivariate normal. Latent
/// zᵢ = √ρ·(λ̂ᵢ·f) + √(1 − ρ)·εᵢ with f ~ N(0, I_K) shared by the row (K = <see cref="CorrelationFactors"/>),
/// λ̂ᵢ a unit loading vector per feature (Gaussian, normalised), εᵢ ~ N(0, 1) (inverse CDF of a
/// 32-bit uniform) and ρ =
/// <see cref="SharedVariance"/>; so zᵢ ~ N(0, 1), corr(zᵢ, zⱼ) = ρ·λ̂ᵢ·λ̂ⱼ, and feature i is active
/// when zᵢ &gt; Φ⁻¹(1 − pᵢ): the same marginal rates pᵢ as the independent variant.</para>
/// <para>Every draw is a Philox stream of (seed, purpose) indexed by (row · G + feature), so any row
/// is reproducible on its own, rows can be generated in any order or in parallel, and the result
/// does not depend on the thread count.</para>
/// </summary>
public sealed class SyntheticData : IActivationSource
{
    /// <summary>Decay of the firing probabilities with the feature index.</summary>
    public const double Decay = 0.99;

    /// <summary>K: shared normal factors of the correlated variant.</summary>
    public const int CorrelationFactors = 8;

    /// <summary>ρ: fraction of each latent's variance shared through the factors (correlated variant).</summary>
    public const double SharedVariance = 0.5;

    // Philox stream per purpose; element index = row · G + feature (factors: row · K + factor).
    internal const ulong StreamFeatures = 1, StreamActivity = 2, StreamMagnitude = 3, StreamLoadings = 4, StreamFactors = 5, StreamNoise = 6;

    /// <summary>Rows per parallel work item (fixed: results never depend on the split).</summary>
    private const int ChunkRows = 64;

    private readonly float[] groundTruth;  // [G, d], unit rows
    private readonly double[] probabilities; // [G]
    private readonly double[] thresholds;  // [G], correlated: active when z > threshold
    private readonly float[] loadings;     // [G, K], unit rows (correlated only, else empty)

    /// <summary>Builds the ground truth and probabilities of <paramref name="spec"/>.</summary>
    /// <param name="spec">The recipe.</param>
    /// <param name="threads">Threads for <see cref="ReadRows"/> (≥ 1); the values do not depend on it.</param>
    public SyntheticData(SyntheticDataSpec spec, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Spec = spec;
        Threads = threads;
        groundTruth = UnitRows(spec.Features, spec.Dimension, spec.Seed, StreamFeatures, threads);
        probabilities = FeatureProbabilities.Decaying(spec.Features, spec.ActivePerRow, Decay);
        thresholds = Array.ConvertAll(probabilities, p => -FeatureProbabilities.NormalQuantile(p));
        loadings = spec.Correlated ? UnitRows(spec.Features, CorrelationFactors, spec.Seed, StreamLoadings, threads) : [];
        Description = $"synthetic: {spec.Features} features in d = {spec.Dimension}, {spec.ActivePerRow} active per row "
            + $"({(spec.Correlated ? "correlated" : "independent")}), seed {spec.Seed}, {spec.Rows} rows";
    }

    /// <summary>The recipe.</summary>
    public SyntheticDataSpec Spec { get; }

    /// <summary>Threads used by <see cref="ReadRows"/>.</summary>
    public int Threads { get; }

    /// <summary>Ground-truth feature directions [G, d], each row of unit norm.</summary>
    public ReadOnlySpan<float> GroundTruth => groundTruth;

    /// <summary>pᵢ, the probability that feature i is active in a row [G]; sums to the active count.</summary>
    public ReadOnlySpan<double> Probabilities => probabilities;

    /// <summary>tᵢ = Φ⁻¹(1 − pᵢ): the correlated variant's latent threshold per feature [G].</summary>
    internal ReadOnlySpan<double> Thresholds => thresholds;

    /// <summary>Unit loading vectors λ̂ [G, K] of the correlated variant (empty otherwise).</summary>
    internal ReadOnlySpan<float> Loadings => loadings;

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public int Dimension => Spec.Dimension;

    /// <inheritdoc/>
    public long Rows => Spec.Rows;

    /// <summary>codes [G] = the coefficient of every feature in row <paramref name="row"/> (0 when inactive).</summary>
    /// <exception cref="ArgumentException">codes has the wrong length or row is outside [0, Rows).</exception>
    public void Codes(long row, Span<float> codes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        if (codes.Length != Spec.Features)
            throw new ArgumentException($"codes has length {codes.Length} but must be G = {Spec.Features}.", nameof(codes));
        float[] scratch = ArrayPool<float>.Shared.Rent(Spec.Features);
        try
        {
            CodesInto(row, codes, scratch.AsSpan(0, Spec.Features));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <inheritdoc/>
    public unsafe void ReadRows(long firstRow, Span<float> destination)
    {
        int d = Spec.Dimension;
        long count = destination.Length / d;
        if (count * d != destination.Length)
            throw new ArgumentException($"destination length {destination.Length} is not a multiple of d = {d}.", nameof(destination));
        if (firstRow < 0 || firstRow > Rows - count)
            throw new ArgumentOutOfRangeException(nameof(firstRow), firstRow, $"rows [{firstRow}, {firstRow + count}) are outside [0, {Rows}).");
        int chunks = (int)((count + ChunkRows - 1) / ChunkRows);
        fixed (float* p = destination)
        {
            nint address = (nint)p;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Threads }, c =>
            {
                long start = (long)c * ChunkRows, n = Math.Min(ChunkRows, count - start);
                GenerateRows(firstRow + start, new Span<float>((float*)address + start * d, (int)(n * d)));
            });
        }
    }

    /// <summary>Nothing to release: the data lives in memory.</summary>
    public void Dispose()
    {
    }

    /// <summary>dst [n, d] = rows [first, first + n): x = Σ codesᵢ·gᵢ over active i, ascending.</summary>
    private void GenerateRows(long first, Span<float> dst)
    {
        int g = Spec.Features, d = Spec.Dimension;
        float[] codes = ArrayPool<float>.Shared.Rent(g), scratch = ArrayPool<float>.Shared.Rent(g);
        try
        {
            dst.Clear();
            for (int r = 0; r < dst.Length / d; r++)
            {
                CodesInto(first + r, codes.AsSpan(0, g), scratch.AsSpan(0, g));
                var x = dst.Slice(r * d, d);
                for (int i = 0; i < g; i++)
                {
                    float c = codes[i];
                    if (c == 0)
                        continue;
                    var gi = groundTruth.AsSpan(i * d, d);
                    for (int j = 0; j < x.Length; j++)
                        x[j] += c * gi[j];
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(codes);
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>codes [G] of one row; scratch [G] holds the activity draws.</summary>
    private void CodesInto(long row, Span<float> codes, Span<float> scratch)
    {
        int g = Spec.Features;
        ulong first = (ulong)row * (ulong)g, seed = Spec.Seed;
        codes.Clear();
        if (!Spec.Correlated)
        {
            RandomFill.Uniform(scratch, seed, StreamActivity, 0f, 1f, 1, first);
            for (int i = 0; i < g; i++)
            {
                if (scratch[i] < probabilities[i])
                    codes[i] = Magnitude(first + (ulong)i);
            }
            return;
        }
        Span<float> f = stackalloc float[CorrelationFactors];
        RandomFill.Normal(f, seed, StreamFactors, 0f, 1f, 1, (ulong)row * CorrelationFactors);
        // εᵢ = Φ⁻¹(uᵢ) with uᵢ = (wᵢ + ½)·2⁻³² from one 32-bit word: cheaper than Box–Muller, and
        // when uᵢ ≤ ½ (εᵢ ≤ 0) against a positive bar (the common case: rare features) it needs no Φ⁻¹ at all
        var words = MemoryMarshal.Cast<float, uint>(scratch);
        RandomFill.Bits(words, seed, StreamNoise, 1, first);
        double shared = Math.Sqrt(SharedVariance), own = Math.Sqrt(1 - SharedVariance);
        // |λ̂ᵢ·f| ≤ ‖f‖ (unit loadings; the margin covers rounding), so lowᵢ ≤ barᵢ: below it, no dot product is needed
        double reach = shared * Math.Sqrt(SumOfSquares(f)) * (1 + 1e-6);
        for (int i = 0; i < g; i++)
        {
            double low = (thresholds[i] - reach) / own;
            double u = (words[i] + 0.5) * (1.0 / 4294967296.0);
            if (low >= 0 && u <= 0.5)
                continue;
            double eps = FeatureProbabilities.NormalQuantile(u);
            if (eps <= low)
                continue;
            var l = loadings.AsSpan(i * CorrelationFactors, CorrelationFactors);
            double dot = 0;
            for (int k = 0; k < CorrelationFactors; k++)
                dot += (double)l[k] * f[k];
            if (eps > (thresholds[i] - shared * dot) / own) // zᵢ = √ρ·λ̂ᵢ·f + √(1 − ρ)·εᵢ > tᵢ
                codes[i] = Magnitude(first + (ulong)i);
        }
    }

    private static double SumOfSquares(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float x in v)
            sum += (double)x * x;
        return sum;
    }

    /// <summary>1 − u with u the element's uniform in [0, 1): U(0, 1], never 0.</summary>
    private float Magnitude(ulong element)
    {
        Span<float> u = stackalloc float[1];
        RandomFill.Uniform(u, Spec.Seed, StreamMagnitude, 0f, 1f, 1, element);
        return 1f - u[0];
    }

    /// <summary>[rows, cols] standard normals from (seed, stream), each row scaled to unit norm.</summary>
    private static float[] UnitRows(int rows, int cols, ulong seed, ulong stream, int threads)
    {
        var m = new float[(long)rows * cols];
        RandomFill.Normal(m, seed, stream, 0f, 1f, threads);
        for (int i = 0; i < rows; i++)
        {
            var row = m.AsSpan(i * cols, cols);
            double sum = 0;
            foreach (float v in row)
                sum += (double)v * v;
            double inv = sum > 0 ? 1 / Math.Sqrt(sum) : 0;
            for (int j = 0; j < cols; j++)
                row[j] = (float)(row[j] * inv);
        }
        return m;
    }
}
