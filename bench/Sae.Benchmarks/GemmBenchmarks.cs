using BenchmarkDotNet.Attributes;
using Sae.Numerics;

namespace Sae.Benchmarks;

/// <summary>GEMM at the SAE encoder shape and 4096³, per kernel family and thread count.</summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params("sae_fwd", "square4096")]
    public string Shape { get; set; } = "sae_fwd";

    [Params(1, 2)]
    public int Threads { get; set; }

    private (int M, int N, int K) Dims => Shape == "sae_fwd" ? (4096, 16384, 768) : (4096, 4096, 4096);

    [GlobalSetup]
    public void Setup()
    {
        var (m, n, k) = Dims;
        var rng = new Random(1);
        _a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
        _b = Enumerable.Range(0, n * k).Select(_ => (float)rng.NextDouble()).ToArray();
        _c = new float[m * n];
    }

    [Benchmark]
    public void MultiplyABt()
    {
        var (m, n, k) = Dims;
        Gemm.MultiplyABt(_a, _b, _c, m, n, k, threads: Threads);
    }
}
