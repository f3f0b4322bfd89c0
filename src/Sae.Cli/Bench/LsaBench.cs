using System.Diagnostics;
using System.Text.Json.Nodes;
using Sae.Matching;
using Sae.Numerics;

namespace Sae.Cli.Bench;

/// <summary>
/// Times <see cref="LinearAssignment.SolveDense"/> on the cosine matrix of two dictionaries as
/// bench-ref/bench_lsa.py builds it: A = n random unit vectors in R^d; B = a shuffled dictionary in
/// which round(planted·n) rows are normalize(A[src] + N(0, (0.5/√d)²)) (cosine ≈ 0.89 to their
/// source) and the rest fresh random unit vectors; S = A·Bᵀ, [n, n] float.
/// </summary>
internal static class LsaBench
{
    /// <summary>Dimension of the dictionary vectors (an SAE on a 768-wide model).</summary>
    public const int Dimension = 768;

    /// <summary>Fraction of B that are noisy copies of rows of A.</summary>
    public const double PlantedFraction = 0.5;

    /// <summary>The planted cosine matrix and, per row of A, the row of B planted from it (−1 for none).</summary>
    internal sealed record Planted(float[] Similarity, int[] Truth, int PlantedCount);

    public static JsonObject Run(int n, int threads, double budgetSeconds)
    {
        long t0 = Stopwatch.GetTimestamp();
        var problem = Build(n, Dimension, PlantedFraction, seed: (ulong)n, threads);
        double buildSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Warm();
        Assignment? result = null;
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count == 0 || total.Elapsed.TotalSeconds + times[^1] <= budgetSeconds)
        {
            long start = Stopwatch.GetTimestamp();
            result = LinearAssignment.SolveDense(problem.Similarity, n, n);
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        times.Sort();
        int recovered = Enumerable.Range(0, n).Count(i => problem.Truth[i] >= 0 && result!.RowToColumn[i] == problem.Truth[i]);
        return new JsonObject
        {
            ["kernel"] = "lsa_dense",
            ["n"] = n,
            ["d"] = Dimension,
            ["planted"] = PlantedFraction,
            ["seconds"] = Math.Round(times[times.Count / 2], 3),
            ["seconds_best"] = Math.Round(times[0], 3),
            ["reps"] = times.Count,
            ["planted_recovered"] = recovered,
            ["planted_recovered_frac"] = Math.Round((double)recovered / Math.Max(1, problem.PlantedCount), 4),
            ["total"] = Math.Round(result!.Total, 6),
            ["build_seconds"] = Math.Round(buildSeconds, 2),
            ["peak_working_set_mib"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0),
        };
    }

    /// <summary>Builds the planted problem from <paramref name="seed"/> (Philox streams 1–3 for A, the noise and the fresh rows).</summary>
    internal static Planted Build(int n, int d, double planted, ulong seed, int threads)
    {
        var a = new float[n * d];
        RandomFill.Normal(a, seed, 1, 0f, 1f, threads);
        NormalizeRows(a, d);
        int plantedCount = (int)Math.Round(planted * n);
        var rng = new Random((int)seed);
        int[] source = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(source);
        var full = new float[n * d]; // rows [0, plantedCount): noisy copies of A[source[k]]; the rest fresh
        RandomFill.Normal(full.AsSpan(0, plantedCount * d), seed, 2, 0f, 0.5f / MathF.Sqrt(d), threads);
        for (int k = 0; k < plantedCount; k++)
        {
            var row = full.AsSpan(k * d, d);
            var src = a.AsSpan(source[k] * d, d);
            for (int p = 0; p < d; p++)
                row[p] += src[p];
        }
        RandomFill.Normal(full.AsSpan(plantedCount * d), seed, 3, 0f, 1f, threads);
        NormalizeRows(full, d);
        int[] perm = Enumerable.Range(0, n).ToArray(); // B[r] = full[perm[r]]
        rng.Shuffle(perm);
        var b = new float[n * d];
        var truth = new int[n];
        Array.Fill(truth, -1);
        for (int r = 0; r < n; r++)
        {
            full.AsSpan(perm[r] * d, d).CopyTo(b.AsSpan(r * d, d));
            if (perm[r] < plantedCount)
                truth[source[perm[r]]] = r;
        }
        var s = new float[n * n];
        Gemm.MultiplyABt(a, b, s, n, n, d, threads: threads);
        return new Planted(s, truth, plantedCount);
    }

    private static void NormalizeRows(float[] x, int d)
    {
        for (int i = 0; i < x.Length / d; i++)
        {
            var row = x.AsSpan(i * d, d);
            double sum = 0;
            foreach (float v in row)
                sum += (double)v * v;
            float scale = (float)(1 / Math.Sqrt(sum));
            foreach (ref float v in row)
                v *= scale;
        }
    }

    /// <summary>One small solve so the timed ones run compiled code.</summary>
    private static void Warm()
    {
        var p = Build(512, 64, PlantedFraction, seed: 1, threads: 1);
        LinearAssignment.SolveDense(p.Similarity, 512, 512);
    }
}
