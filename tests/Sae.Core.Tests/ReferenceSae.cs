namespace Sae.Core.Tests;

/// <summary>
/// The slow scalar twin of the SAE recipes, in double precision: the loss and its analytic gradient
/// written out plainly from science.md, for TopK (sparsify) and ReLU+L1 (SAELens standard). Tests
/// check it against finite differences, then the fast models against it.
/// </summary>
internal sealed class ReferenceSae
{
    public ReferenceSae(SaeConfig config) => Config = config;

    public SaeConfig Config { get; }

    private int N => Config.Latents;

    private int D => Config.Dimension;

    /// <summary>Loss of the batch x [rows, d]; when grad is given, writes ∂loss/∂params into it.</summary>
    public double Loss(double[][] p, float[] x, int rows, long step, double[][]? grad = null)
    {
        // p: [W_enc [n·d], b_enc [n], W_dec [n·d], b_dec [d]]
        if (grad != null)
            foreach (var g in grad) Array.Clear(g);
        var mean = new double[D];
        for (int b = 0; b < rows; b++)
            for (int e = 0; e < D; e++) mean[e] += x[b * D + e] / (double)rows;
        double tv = 0;
        for (int b = 0; b < rows; b++)
            for (int e = 0; e < D; e++) tv += Math.Pow(x[b * D + e] - mean[e], 2);
        double lambda = Config.L1Coefficient * LearningRateSchedule.L1Factor(step, Config.L1WarmupSteps);
        var norms = new double[N];
        for (int i = 0; i < N; i++)
            norms[i] = Math.Sqrt(Enumerable.Range(0, D).Sum(e => p[2][i * D + e] * p[2][i * D + e]));
        double loss = 0;
        for (int b = 0; b < rows; b++)
            loss += Row(p, x.AsSpan(b * D, D).ToArray(), tv, rows, lambda, norms, grad);
        return loss;
    }

    private double Row(double[][] p, float[] x, double tv, int rows, double lambda, double[] norms, double[][]? grad)
    {
        bool topk = Config.Architecture == SaeArchitecture.TopK;
        var xc = new double[D];
        for (int e = 0; e < D; e++) xc[e] = x[e] - p[3][e];
        var pre = new double[N];
        for (int i = 0; i < N; i++)
        {
            double s = p[1][i];
            for (int e = 0; e < D; e++) s += xc[e] * p[0][i * D + e];
            pre[i] = Math.Max(s, 0);
        }
        int[] active = topk
            ? Enumerable.Range(0, N).OrderByDescending(i => pre[i]).ThenBy(i => i).Take(Config.K).ToArray()
            : Enumerable.Range(0, N).Where(i => pre[i] > 0).ToArray();
        var xhat = (double[])p[3].Clone();
        foreach (int i in active)
            for (int e = 0; e < D; e++) xhat[e] += pre[i] * p[2][i * D + e];
        double sq = 0;
        for (int e = 0; e < D; e++) sq += Math.Pow(xhat[e] - x[e], 2);
        double scale = topk ? 1 / tv : 1.0 / rows;
        double loss = sq * scale + (topk ? 0 : lambda / rows * active.Sum(i => pre[i] * norms[i]));
        if (grad != null)
            Backward(p, grad, xc, pre, active, xhat, x, scale, topk ? 0 : lambda / rows, norms);
        return loss;
    }

    private void Backward(double[][] p, double[][] grad, double[] xc, double[] pre, int[] active, double[] xhat, float[] x,
        double scale, double l1, double[] norms)
    {
        var g = new double[D];
        for (int e = 0; e < D; e++)
        {
            g[e] = 2 * (xhat[e] - x[e]) * scale;
            grad[3][e] += g[e];
        }
        foreach (int i in active)
        {
            double gv = l1 * norms[i];
            for (int e = 0; e < D; e++)
            {
                gv += g[e] * p[2][i * D + e];
                grad[2][i * D + e] += pre[i] * g[e] + (norms[i] > 0 ? l1 * pre[i] * p[2][i * D + e] / norms[i] : 0);
            }
            if (!(pre[i] > 0))
                continue;
            grad[1][i] += gv;
            for (int e = 0; e < D; e++)
            {
                grad[0][i * D + e] += gv * xc[e];
                grad[3][e] -= gv * p[0][i * D + e];
            }
        }
    }

    public static double[][] ToDouble(SaeParameters p) => p.Tensors.Select(t => t.Select(v => (double)v).ToArray()).ToArray();
}
