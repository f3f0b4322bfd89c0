using System.Diagnostics;
using System.Text.Json.Nodes;
using Sae.Core;
using Sae.Matching;

namespace Sae.Cli.Bench;

/// <summary>
/// The paper's full matching of two large SAEs, as `sae compare` runs it after loading: two synthetic
/// SAEs (<see cref="PlantedPair"/> rows as decoders, and the same rows as encoders, as at a TopK
/// initialisation) with a planted shared fraction, compared by <see cref="PairComparison"/> under the
/// memory budget, which sends a pair past it to the large-scale matcher: both assignments (decoder,
/// encoder), the statistics, wall time and peak memory. File loading is excluded.
/// </summary>
internal static class CompareLargeBench
{
    public static JsonObject Run(LsaShape shape, int threads)
    {
        var (n, d) = (shape.N, shape.D);
        var generate = Stopwatch.StartNew();
        var (first, second, planted) = Create(n, d, shape.Planted, threads);
        double generateSeconds = generate.Elapsed.TotalSeconds;
        // the generator's own two n×d arrays are garbage now: return them before the matcher allocates
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var options = new MatchingOptions(threads: threads, memoryBudgetBytes: shape.MemoryBytes);
        var clock = Stopwatch.StartNew();
        var result = PairComparison.Compare(first, second, options, new StageLog());
        double seconds = clock.Elapsed.TotalSeconds;
        var s = result.Summary;
        return new JsonObject
        {
            ["n"] = n,
            ["d"] = d,
            ["threads"] = threads,
            ["budget_gib"] = Math.Round(shape.MemoryBytes / (double)(1L << 30), 2),
            ["method"] = s.Method,
            ["match_both_s"] = Math.Round(seconds, 1),
            ["generate_s"] = Math.Round(generateSeconds, 1),
            ["planted_fraction"] = planted,
            ["shared_fraction"] = s.SharedFraction,
            ["difference_pp"] = Math.Round(100 * (s.SharedFraction - planted), 3),
            ["agree_fraction"] = s.AgreeFraction,
            ["optimality_gap_dec"] = s.OptimalityGapDec,
            ["optimality_gap_enc"] = s.OptimalityGapEnc,
            ["peak_rss_gib"] = Math.Round(ProcessMemory.PeakResidentBytes() / (double)(1L << 30), 2),
        };
    }

    private static (SaeParameters First, SaeParameters Second, double Planted) Create(int n, int d, double p, int threads)
    {
        var pair = PlantedPair.Create(n, d, p, seed: 2025, threads);
        var first = new SaeParameters(n, d);
        var second = new SaeParameters(n, d);
        pair.A.CopyTo(first.DecoderWeight, 0);
        pair.A.CopyTo(first.EncoderWeight, 0);
        pair.B.CopyTo(second.DecoderWeight, 0);
        pair.B.CopyTo(second.EncoderWeight, 0);
        double planted = pair.Partner.Count(j => j >= 0) / (double)n;
        return (first, second, planted);
    }

    /// <summary>One stderr line per stage and per 10% of a stage.</summary>
    private sealed class StageLog : IProgress<ComparisonProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private (ComparisonStage Stage, int Tenth) _last = ((ComparisonStage)(-1), -1);

        public void Report(ComparisonProgress value)
        {
            int tenth = (int)(value.Fraction * 10);
            if ((value.Stage, tenth) == _last)
                return;
            _last = (value.Stage, tenth);
            Console.Error.WriteLine($"bench: compare-large {value.Stage} {tenth * 10}% at {_clock.Elapsed.TotalSeconds:F0} s");
        }
    }
}
