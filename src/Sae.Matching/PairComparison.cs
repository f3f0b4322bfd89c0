using Sae.Core;

namespace Sae.Matching;

/// <summary>
/// The paper's matching of two SAEs: unit-normalise encoder and decoder rows, build the cosine
/// matrices C_dec = D̂_a·D̂_bᵀ and C_enc = Ê_a·Ê_bᵀ, and solve two independent maximum-weight
/// one-to-one assignments. The SAE with fewer latents becomes side A (see <see cref="PairResult"/>).
/// With <see cref="MatchingOptions.SignInvariant"/> both matrices hold |cos| and each matched pair
/// records the sign of its raw cosine, on the dense and on the large-scale path alike.
/// </summary>
public static class PairComparison
{
    /// <summary>Compares <paramref name="first"/> with <paramref name="second"/> (same d; widths may differ).</summary>
    /// <exception cref="SaeInputException">The SAEs read different widths d, or one has no latents.</exception>
    public static PairResult Compare(SaeParameters first, SaeParameters second, MatchingOptions options,
        IProgress<ComparisonProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(options);
        if (first.Dimension != second.Dimension)
            throw new SaeInputException($"the SAEs read different widths: d = {first.Dimension} and d = {second.Dimension}.");
        if (first.Latents == 0 || second.Latents == 0)
            throw new SaeInputException("an SAE with no latents cannot be compared.");
        bool swapped = first.Latents > second.Latents;
        var (a, b) = swapped ? (second, first) : (first, second);
        if (!options.FitsDense(a.Latents, b.Latents))
            return LargeScale(a, b, swapped, options, progress, cancel);
        // one buffer [n_a, n_b] serves both matrices: the decoder's is solved and reduced before the encoder's is built
        var cosines = new float[(long)a.Latents * b.Latents];
        var decoder = MatchOne(a.DecoderWeight, b.DecoderWeight, a, b, cosines, options, ComparisonStage.DecoderCosines, progress, cancel);
        var encoder = MatchOne(a.EncoderWeight, b.EncoderWeight, a, b, cosines, options, ComparisonStage.EncoderCosines, progress, cancel);
        return new PairResult(swapped, a.Dimension, options.Threshold, decoder, encoder);
    }

    // Pairs too large for a dense matrix (e.g. 131K × 131K latents): each latent keeps its best candidates
    // (top 32 by row and by column, by blocked GEMM under the memory budget), the assignment is exact on that
    // graph, and the proven distance to the dense optimum is reported (LargeScaleMatcher).
    private static PairResult LargeScale(SaeParameters a, SaeParameters b, bool swapped, MatchingOptions options,
        IProgress<ComparisonProgress>? progress, CancellationToken cancel)
    {
        var candidates = new CandidateOptions { Threads = options.Threads, MemoryBudgetBytes = options.MemoryBudgetBytes, SignInvariant = options.SignInvariant };
        var decoder = MatchLarge(a.DecoderWeight, b.DecoderWeight, a, b, candidates, ComparisonStage.DecoderCosines, progress, cancel);
        var encoder = MatchLarge(a.EncoderWeight, b.EncoderWeight, a, b, candidates, ComparisonStage.EncoderCosines, progress, cancel);
        return new PairResult(swapped, a.Dimension, options.Threshold, decoder, encoder);
    }

    private static MatchSide MatchLarge(float[] wA, float[] wB, SaeParameters a, SaeParameters b, CandidateOptions candidates,
        ComparisonStage cosineStage, IProgress<ComparisonProgress>? progress, CancellationToken cancel)
    {
        var sink = progress is null ? null : new LargeStageProgress(progress, cosineStage);
        var m = LargeScaleMatcher.Match(wA, wB, a.Latents, b.Latents, a.Dimension, candidates, sink, cancel);
        var partner = m.Cosine.Select(c => float.IsNaN(c) ? 0f : c).ToArray();
        return new MatchSide(m.Assignment, partner, m.RowMax.Average(c => (double)c), m.ColumnMax.Average(c => (double)c),
            "sparse", Math.Max(0, m.UpperBoundGap), m.FallbackRows, m.Sign);
    }

    /// <summary>Candidate selection (the first 90%) reports as the cosine stage, the solve as the assignment stage.</summary>
    private sealed class LargeStageProgress(IProgress<ComparisonProgress> inner, ComparisonStage cosineStage) : IProgress<double>
    {
        public void Report(double value) => inner.Report(value < 0.9
            ? new ComparisonProgress(cosineStage, value / 0.9)
            : new ComparisonProgress(cosineStage + 1, (value - 0.9) / 0.1));
    }

    /// <summary>The smallest memory budget the large-scale matcher accepts: unit-row copies of both sides plus 16 MiB of working memory.</summary>
    public static long LargeScaleMinimumBytes(int na, int nb, int d) => (4L * ((long)na + nb) * d) + (16L << 20);

    /// <summary>Bytes as "12.5 GiB" / "640.0 MiB" / "10 B".</summary>
    internal static string FormatBytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int u = 0;
        while (value >= 1024 && u < units.Length - 1)
        {
            value /= 1024;
            u++;
        }
        return u == 0 ? $"{bytes} B" : $"{value:F1} {units[u]}";
    }

    // wA: [n_a, d], wB: [n_b, d]; cosines: [n_a, n_b] scratch
    private static MatchSide MatchOne(float[] wA, float[] wB, SaeParameters a, SaeParameters b, float[] cosines, MatchingOptions options,
        ComparisonStage cosineStage, IProgress<ComparisonProgress>? progress, CancellationToken cancel)
    {
        int na = a.Latents, nb = b.Latents, d = a.Dimension;
        progress?.Report(new ComparisonProgress(cosineStage, 0));
        var unitA = CosineSimilarity.UnitRows(wA, na, d, options.Threads);
        var unitB = CosineSimilarity.UnitRows(wB, nb, d, options.Threads);
        CosineSimilarity.Compute(unitA, na, unitB, nb, d, cosines, options.Threads,
            Report(progress, cosineStage), options.SignInvariant, cancel);
        var bestOfA = new float[na];
        var bestOfB = new float[nb];
        bestOfA.AsSpan().Fill(-1);
        bestOfB.AsSpan().Fill(-1);
        CosineSimilarity.RowAndColumnMax(cosines, na, nb, bestOfA, bestOfB);
        var solveStage = cosineStage + 1;
        progress?.Report(new ComparisonProgress(solveStage, 0));
        var assignment = options.Solver.Solve(cosines, na, nb, Report(progress, solveStage), cancel);
        var partnerCosine = new float[na];
        for (int i = 0; i < na; i++)
        {
            int j = assignment.RowToColumn[i];
            partnerCosine[i] = j >= 0 ? cosines[(long)i * nb + j] : 0;
        }
        // the matrix held |cos|: the signs come from the unit rows, one dot product per matched pair
        var sign = options.SignInvariant ? CosineSimilarity.PartnerSigns(assignment.RowToColumn, unitA, unitB, d) : null;
        return new MatchSide(assignment, partnerCosine, bestOfA.Average(c => (double)c), bestOfB.Average(c => (double)c), PartnerSign: sign);
    }

    private static StageProgress? Report(IProgress<ComparisonProgress>? progress, ComparisonStage stage) =>
        progress is null ? null : new StageProgress(progress, stage);

    /// <summary>Forwards a solver's or GEMM's fraction as this pair's progress, synchronously.</summary>
    private sealed class StageProgress(IProgress<ComparisonProgress> inner, ComparisonStage stage) : IProgress<double>
    {
        public void Report(double value) => inner.Report(new ComparisonProgress(stage, value));
    }
}
