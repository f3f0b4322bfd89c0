using BenchmarkDotNet.Attributes;
using Sae.Numerics;

namespace Sae.Benchmarks;

/// <summary>
/// Optimiser-side kernels at SAE sizes: Adam over 25M floats, decoder row ops on [6144, 4096],
/// gradient clipping, Kaiming-uniform init. Run: dotnet run -c Release --project bench/Sae.Benchmarks -- --filter *Optim*
/// </summary>
[MemoryDiagnoser]
public class OptimBenchmarks
{
    private const int Rows = 6144, Cols = 4096, N = 25_000_000;
    private readonly AdamHyper _hyper = new(2e-4);
    private float[] _p = [], _g = [], _m = [], _v = [], _norms = [];
    private long _step;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_p, _g, _m, _v, _norms) = (new float[N], new float[N], new float[N], new float[N], new float[Rows]);
        RandomFill.KaimingUniform(_p, Cols, seed: 1, stream: 0);
        RandomFill.Normal(_g, seed: 1, stream: 1, mean: 0f, std: 1e-2f);
    }

    [Benchmark]
    public void AdamStep() => Adam.Step(_p, _g, _m, _v, _hyper, ++_step, Threads);

    [Benchmark]
    public void RowNorms() => RowOps.RowNorms(_p.AsSpan(0, Rows * Cols), Rows, Cols, _norms, Threads);

    [Benchmark]
    public void NormalizeRows() => RowOps.NormalizeRows(_p.AsSpan(0, Rows * Cols), Rows, Cols, Threads);

    [Benchmark]
    public void ProjectOutParallel() => RowOps.ProjectOutParallel(_g.AsSpan(0, Rows * Cols), _p.AsSpan(0, Rows * Cols), Rows, Cols, Threads);

    [Benchmark]
    public float ClipByGlobalNorm() => GradientClip.ClipByGlobalNorm([_g], 1e9f, Threads);

    [Benchmark]
    public void KaimingUniform() => RandomFill.KaimingUniform(_m, Cols, seed: 2, stream: 0, Threads);
}
