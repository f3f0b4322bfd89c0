using Sae.Numerics;

namespace Sae.Core.Tests;

/// <summary>
/// End-to-end: both recipes, trained on Sharkey-style synthetic data (512 ground-truth features in
/// d = 128, ~5 active per row), fit the data (FVU &lt; 0.1) and recover the features (mean over true
/// features of the best cosine to a decoder row &gt; 0.9). Fixed seeds; about half a minute on 2 cores.
/// </summary>
public class RecoveryTests
{
    [Theory]
    [InlineData(SaeArchitecture.TopK)]
    [InlineData(SaeArchitecture.ReluL1)]
    public void Train_SyntheticData_LowFvuAndGroundTruthRecovered(SaeArchitecture arch)
    {
        using var data = new SyntheticData(new SyntheticDataSpec(features: 512, dimension: 128, rows: 200_000, seed: 1), threads: 2);
        var sae = arch == SaeArchitecture.TopK
            ? new SaeConfig(arch, 128, 1024, k: 5, multiTopK: true, auxKAlpha: 1.0 / 32, deadTokens: 100_000)
            : new SaeConfig(arch, 128, 1024, l1Coefficient: 0.1);
        var train = new TrainConfig(1024, steps: arch == SaeArchitecture.TopK ? 1500 : 2000,
            learningRate: arch == SaeArchitecture.TopK ? 4e-3 : 3e-3, warmupSteps: 50, threads: 2);
        var trainer = new Trainer(sae, train, [0], data);
        trainer.Initialize();
        while (!trainer.Finished)
            trainer.RunStep();

        double fvu = trainer.Metrics(0).Loss.Fvu;
        double recovery = MeanBestCosine(data.GroundTruth, trainer.Parameters(0).DecoderWeight, 512, 1024, 128);
        Assert.True(fvu < 0.1, $"{arch}: FVU {fvu:F4} on the last batch");
        Assert.True(recovery > 0.9, $"{arch}: mean best cosine {recovery:F3} of the ground-truth features");
    }

    private static double MeanBestCosine(ReadOnlySpan<float> truth, float[] decoder, int g, int n, int d)
    {
        var unit = (float[])decoder.Clone();
        RowOps.NormalizeRows(unit, n, d);
        var cos = new float[g * n];
        Gemm.MultiplyABt(truth, unit, cos, g, n, d, threads: 2);
        double sum = 0;
        for (int i = 0; i < g; i++)
            sum += cos.AsSpan(i * n, n).ToArray().Max();
        return sum / g;
    }
}
