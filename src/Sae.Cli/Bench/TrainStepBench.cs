using System.Text.Json.Nodes;
using Sae.Core;

namespace Sae.Cli.Bench;

/// <summary>
/// Times full training steps (forward, backward, decoder constraint, clipping, Adam,
/// renormalisation) on random N(0,1)-like activations, as ../shared/bench-ref/bench_sae.py does for
/// PyTorch, and reports tokens/s.
/// </summary>
internal static class TrainStepBench
{
    public static JsonObject Run(SaeArchitecture arch, int batch, int n, int d, int k, double l1, int threads, double budgetSeconds)
    {
        var data = new RandomActivations(batch * 2, d);
        var sae = new SaeConfig(arch, d, n, k, l1Coefficient: l1);
        var train = new TrainConfig(batch, steps: long.MaxValue / 2, learningRate: 2e-4, warmupSteps: 0, threads: threads);
        var trainer = new Trainer(sae, train, [0], data);
        trainer.Initialize();
        var t = Timing.Measure(trainer.RunStep, minReps: 3, budgetSeconds);
        var m = trainer.Metrics(0);
        return new JsonObject
        {
            ["kernel"] = arch == SaeArchitecture.TopK ? "train_step_topk" : "train_step_relu_l1",
            ["batch"] = batch,
            ["n"] = n,
            ["d"] = d,
            ["k"] = arch == SaeArchitecture.TopK ? k : null,
            ["l1"] = arch == SaeArchitecture.ReluL1 ? l1 : null,
            ["threads"] = threads,
            ["median_ms"] = Math.Round(t.MedianSeconds * 1e3, 1),
            ["tokens_per_s"] = Math.Round(batch / t.MedianSeconds, 0),
            ["l0"] = Math.Round(m.Loss.L0, 1),
            ["reps"] = t.Repetitions,
        };
    }

    /// <summary>Gaussian-like activations generated once, deterministic.</summary>
    private sealed class RandomActivations(int rows, int dimension) : IActivationSource
    {
        private readonly float[] _data = Normal(rows * dimension);

        public string Description => "random activations";

        public int Dimension => dimension;

        public long Rows => rows;

        public void ReadRows(long firstRow, Span<float> destination) =>
            _data.AsSpan((int)(firstRow * dimension), destination.Length).CopyTo(destination);

        public void Dispose()
        {
        }

        private static float[] Normal(int count)
        {
            var x = new float[count];
            Sae.Numerics.RandomFill.Normal(x, seed: 1, stream: 0, mean: 0f, std: 1f);
            return x;
        }
    }
}
