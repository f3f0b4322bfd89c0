namespace Sae.Core.Tests;

/// <summary>
/// The slow scalar twin of the SAE recipes, in double precision: the loss and its analytic gradient
/// written out plainly from science.md, for TopK (sparsify, with Multi-TopK and AuxK), BatchTopK
/// (the k·B largest relu pre-activations of the batch, else as TopK), AbsTopK (no relu, the k largest
/// |pre| with their sign, else as TopK), ReLU+L1 (SAELens standard) and JumpReLU (SAELens: the
/// straight-through gradient of log_threshold written out from its definition).
/// |pre| with their sign, else as TopK), Matryoshka BatchTopK (BatchTopK's selection, the mean FVU of
/// the nested group prefixes' reconstructions) and ReLU+L1 (SAELens standard).
/// Tests check it against finite differences, then the fast models against it.
/// </summary>
internal sealed class ReferenceSae(SaeConfig config)
{
    public SaeConfig Config { get; } = config;

    private double[]? _auxTarget;
    private long _step;

    /// <summary>BatchTopK: the smallest activation the last <see cref="Loss"/> kept (0 when none), for the inference threshold.</summary>
    public double LastMinSelected { get; private set; }

    private int N => Config.Latents;

    private bool Signed => Config.Architecture == SaeArchitecture.AbsTopK;

    /// <summary>pre without relu: AbsTopK and JumpReLU (whose threshold is positive, so relu changes nothing it keeps).</summary>
    private bool Raw => Signed || Config.Architecture == SaeArchitecture.JumpReLU;

    private int D => Config.Dimension;

    /// <summary>
    /// Loss of the batch x [rows, d]; when grad is given, writes ∂loss/∂params into it. dead[i]: latent
    /// i is dead (AuxK). AuxK's target (the main residual) is detached: pass the targets of an earlier
    /// call in <paramref name="auxTargets"/> to hold them constant (finite differences), else they are
    /// computed and returned there.
    /// </summary>
    public double Loss(double[][] p, float[] x, int rows, long step, double[][]? grad = null, bool[]? dead = null, double[][]? auxTargets = null)
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
        _step = step;
        double lambda = Config.L1Coefficient * LearningRateSchedule.L1Factor(step, Config.L1WarmupSteps);
        var norms = new double[N];
        for (int i = 0; i < N; i++)
            norms[i] = Math.Sqrt(Enumerable.Range(0, D).Sum(e => p[2][i * D + e] * p[2][i * D + e]));
        var batchActive = Config.Architecture is SaeArchitecture.BatchTopK or SaeArchitecture.MatryoshkaBatchTopK ? BatchSelection(p, x, rows) : null;
        double loss = 0;
        for (int b = 0; b < rows; b++)
        {
            _auxTarget = auxTargets?[b];
            loss += Row(p, Input(x, b), tv, rows, lambda, norms, grad, dead ?? new bool[N], batchActive?[b]);
            if (auxTargets != null)
                auxTargets[b] = _auxTarget!;
        }
        return loss;
    }

    private double[] Input(float[] x, int b) => x.AsSpan(b * D, D).ToArray().Select(v => (double)v).ToArray();

    /// <summary>pre = relu((x − b_dec)·W_encᵀ + b_enc) of one token (AbsTopK: without relu), and xc = x − b_dec.</summary>
    private double[] Pre(double[][] p, double[] x, out double[] xc)
    {
        xc = new double[D];
        for (int e = 0; e < D; e++) xc[e] = x[e] - p[3][e];
        var pre = new double[N];
        for (int i = 0; i < N; i++)
        {
            double s = p[1][i];
            for (int e = 0; e < D; e++) s += xc[e] * p[0][i * D + e];
            pre[i] = Raw ? s : Math.Max(s, 0);
        }
        return pre;
    }

    /// <summary>BatchTopK: every token's latents among the k·rows largest positive pre-activations of the batch (ties: lower flat index).</summary>
    private int[][] BatchSelection(double[][] p, float[] x, int rows)
    {
        var pre = Enumerable.Range(0, rows).Select(b => Pre(p, Input(x, b), out _)).ToArray();
        var kept = Enumerable.Range(0, rows * N).Where(f => pre[f / N][f % N] > 0)
            .OrderByDescending(f => pre[f / N][f % N]).ThenBy(f => f).Take(Config.K * rows).ToArray();
        LastMinSelected = kept.Length == 0 ? 0 : kept.Min(f => pre[f / N][f % N]);
        return Enumerable.Range(0, rows).Select(b => kept.Where(f => f / N == b).Select(f => f % N).ToArray()).ToArray();
    }

    private double Row(double[][] p, double[] x, double tv, int rows, double lambda, double[] norms, double[][]? grad, bool[] dead, int[]? batchActive)
    {
        var pre = Pre(p, x, out var xc);
        if (Config.Architecture == SaeArchitecture.JumpReLU)
            return JumpReluRow(p, grad, xc, pre, x, rows, norms);
        if (Config.Architecture == SaeArchitecture.ReluL1)
        {
            var active = Enumerable.Range(0, N).Where(i => pre[i] > 0).ToArray();
            double l1 = lambda / rows;
            return Term(p, grad, xc, pre, active, x, 1.0 / rows, l1, norms, out _) + l1 * active.Sum(i => pre[i] * norms[i]);
        }
        double[] xhat;
        double loss = Config.Architecture == SaeArchitecture.MatryoshkaBatchTopK
            ? Matryoshka(p, grad, xc, pre, batchActive!, x, tv, norms, out xhat)
            : Term(p, grad, xc, pre, batchActive ?? Top(pre, Config.K, _ => true), x, 1 / tv, 0, norms, out xhat);
        if (Config.MultiTopK)
            loss += Term(p, grad, xc, pre, Top(pre, Math.Min(4 * Config.K, N), _ => true), x, 1 / (8 * tv), 0, norms, out _);
        int nDead = dead.Count(v => v), half = D / 2;
        if (Config.AuxKAlpha > 0 && nDead > 0 && half > 0)
        {
            // target: the main residual e = x − x̂ (x̂ = b_dec + decoded), held constant (detached)
            var e = _auxTarget ?? x.Select((v, i) => v - xhat[i] - p[3][i]).ToArray();
            _auxTarget = e;
            double scale = Math.Min((double)nDead / half, 1.0);
            loss += Term(p, grad, xc, pre, Top(pre, Math.Min(half, nDead), i => dead[i]), e, Config.AuxKAlpha * scale / tv, 0, norms, out _);
        }
        return loss;
    }

    /// <summary>
    /// JumpReLU: f = pre where pre &gt; θ = exp(log_threshold) (p[4]), MSE/B + λ₀/B·#active. Gradient:
    /// the MSE term's exact one for the weights (1[pre &gt; θ] passes ∂f), and for log_threshold the
    /// straight-through definition: ∂θ_i = −(θ_i/ε)·R((pre_i − θ_i)/ε)·∂f_i − (1/ε)·R(…)·λ₀/B with
    /// R(u) = 1[|u| &lt; ½] and ∂f_i = ∂MSE/∂x̂·W_dec,i (also where the latent is off), times θ_i for the exp.
    /// </summary>
    private double JumpReluRow(double[][] p, double[][]? grad, double[] xc, double[] pre, double[] x, int rows, double[] norms)
    {
        double lambda = Config.L0Coefficient * LearningRateSchedule.L1Factor(_step, Config.L0WarmupSteps);
        double eps = (float)Config.JumpReluBandwidth;
        var theta = p[4].Select(Math.Exp).ToArray();
        var active = Enumerable.Range(0, N).Where(i => pre[i] > theta[i]).ToArray();
        double loss = Term(p, grad, xc, pre, active, x, 1.0 / rows, 0, norms, out var decoded) + lambda / rows * active.Length;
        if (grad == null)
            return loss;
        for (int i = 0; i < N; i++)
        {
            double u = (pre[i] - theta[i]) / eps;
            if (!(u > -0.5 && u < 0.5))
                continue;
            double gradF = 0;
            for (int e = 0; e < D; e++)
                gradF += 2.0 / rows * (p[3][e] + decoded[e] - x[e]) * p[2][i * D + e];
            grad[4][i] += theta[i] * (-(theta[i] / eps) * gradF - lambda / rows / eps);
        }
        return loss;
    }

    /// <summary>
    /// Matryoshka: level l reconstructs x from the batch-selected latents of groups 1..l; the mean of the
    /// levels' FVUs. <paramref name="decoded"/> is the last (full) level's, for AuxK.
    /// </summary>
    private double Matryoshka(double[][] p, double[][]? grad, double[] xc, double[] pre, int[] active, double[] x, double tv, double[] norms,
        out double[] decoded)
    {
        var groups = Config.Groups;
        double loss = 0;
        decoded = [];
        for (int l = 0, end = 0; l < groups.Count; l++)
        {
            end += groups[l];
            loss += Term(p, grad, xc, pre, active.Where(i => i < end).ToArray(), x, 1 / (groups.Count * tv), 0, norms, out decoded);
        }
        return loss;
    }

    /// <summary>The k allowed latents with the largest pre (AbsTopK: largest |pre|), ties by lower index.</summary>
    private int[] Top(double[] pre, int k, Func<int, bool> allowed) =>
        Enumerable.Range(0, N).Where(allowed).OrderByDescending(i => Signed ? Math.Abs(pre[i]) : pre[i]).ThenBy(i => i).Take(k).ToArray();

    /// <summary>
    /// c·‖recon − target‖² with recon = b_dec + Σ_{i∈active} pre_i·W_dec,i (returned without b_dec in
    /// <paramref name="decoded"/>), adding its gradient; l1 adds the L1 term's gradient on the active latents.
    /// </summary>
    private double Term(double[][] p, double[][]? grad, double[] xc, double[] pre, int[] active, double[] target, double c, double l1,
        double[] norms, out double[] decoded)
    {
        decoded = new double[D];
        foreach (int i in active)
            for (int e = 0; e < D; e++) decoded[e] += pre[i] * p[2][i * D + e];
        double sq = 0;
        var g = new double[D];
        for (int e = 0; e < D; e++)
        {
            double diff = p[3][e] + decoded[e] - target[e];
            sq += diff * diff;
            g[e] = 2 * c * diff;
        }
        if (grad != null)
            Backward(p, grad, xc, pre, active, g, l1, norms);
        return c * sq;
    }

    private void Backward(double[][] p, double[][] grad, double[] xc, double[] pre, int[] active, double[] g, double l1, double[] norms)
    {
        for (int e = 0; e < D; e++)
            grad[3][e] += g[e];
        foreach (int i in active)
        {
            double gv = l1 * norms[i];
            for (int e = 0; e < D; e++)
            {
                gv += g[e] * p[2][i * D + e];
                grad[2][i * D + e] += pre[i] * g[e] + (norms[i] > 0 ? l1 * pre[i] * p[2][i * D + e] / norms[i] : 0);
            }
            // relu passes gradient where pre > 0; AbsTopK's identity everywhere it selected
            if (!Signed && !(pre[i] > 0))
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
