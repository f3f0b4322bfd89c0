namespace Sae.Core.Tests;

/// <summary>
/// The slow scalar twin of <see cref="GatedModel"/> in double precision, written out from SAELens'
/// GatedTrainingSAE: the loss MSE + λ_s·L1 + AUX and its analytic gradient, one token at a time.
/// Parameters in <see cref="SaeParameters.Tensors"/> order: W_enc [n·d], b_gate [n], W_dec [n·d],
/// b_dec [d], r_mag [n], b_mag [n]. AUX's gate-only reconstruction uses W_dec and b_dec themselves
/// (not detached), as SAELens' calculate_aux_loss does.
/// </summary>
internal sealed class ReferenceGatedSae(SaeConfig config)
{
    public SaeConfig Config { get; } = config;

    private int N => Config.Latents;

    private int D => Config.Dimension;

    /// <summary>Loss of x [rows, d] at <paramref name="step"/>; when grad is given, overwrites it with ∂loss/∂params.</summary>
    public double Loss(double[][] p, float[] x, int rows, long step, double[][]? grad = null)
    {
        if (grad != null)
            foreach (var g in grad) Array.Clear(g);
        Active = 0;
        Fires = new long[N];
        double lambda = Config.L1Coefficient * LearningRateSchedule.L1Factor(step, Config.L1WarmupSteps);
        var norms = new double[N];
        for (int i = 0; i < N; i++)
            norms[i] = Math.Sqrt(Enumerable.Range(0, D).Sum(e => p[2][i * D + e] * p[2][i * D + e]));
        double loss = 0;
        for (int b = 0; b < rows; b++)
            loss += Row(p, x.AsSpan(b * D, D).ToArray().Select(v => (double)v).ToArray(), rows, lambda, norms, grad);
        return loss;
    }

    /// <summary>Active latents (f &gt; 0) of the last <see cref="Loss"/>, summed over its batch.</summary>
    public long Active { get; private set; }

    /// <summary>Per latent: the tokens of the last <see cref="Loss"/>'s batch where f &gt; 0.</summary>
    public long[] Fires { get; private set; } = [];

    private double Row(double[][] p, double[] x, int rows, double lambda, double[] norms, double[][]? grad)
    {
        double[] wEnc = p[0], bGate = p[1], wDec = p[2], bDec = p[3], rMag = p[4], bMag = p[5];
        var xc = new double[D];
        for (int e = 0; e < D; e++) xc[e] = x[e] - bDec[e];
        double[] z = new double[N], piGate = new double[N], piMag = new double[N], f = new double[N], gate = new double[N];
        for (int i = 0; i < N; i++)
        {
            for (int e = 0; e < D; e++) z[i] += xc[e] * wEnc[i * D + e];
            piGate[i] = z[i] + bGate[i];
            piMag[i] = Math.Exp(rMag[i]) * z[i] + bMag[i];
            f[i] = piGate[i] > 0 ? Math.Max(piMag[i], 0) : 0;
            gate[i] = Math.Max(piGate[i], 0);
            if (f[i] > 0)
            {
                Active++;
                Fires[i]++;
            }
        }
        // x̂ = f·W_dec + b_dec and the gate-only x̂_gate = relu(π_gate)·W_dec + b_dec
        double[] err = new double[D], errGate = new double[D];
        double mse = 0, aux = 0, l1 = 0;
        for (int e = 0; e < D; e++)
        {
            double xhat = bDec[e], xGate = bDec[e];
            for (int i = 0; i < N; i++)
            {
                xhat += f[i] * wDec[i * D + e];
                xGate += gate[i] * wDec[i * D + e];
            }
            err[e] = xhat - x[e];
            errGate[e] = xGate - x[e];
            mse += err[e] * err[e] / rows;
            aux += errGate[e] * errGate[e] / rows;
        }
        for (int i = 0; i < N; i++)
            l1 += gate[i] * norms[i] / rows;
        if (grad != null)
            Backward(p, grad, xc, z, piGate, piMag, f, gate, err, errGate, rows, lambda, norms);
        return mse + lambda * l1 + aux;
    }

    private void Backward(double[][] p, double[][] grad, double[] xc, double[] z, double[] piGate, double[] piMag, double[] f, double[] gate,
        double[] err, double[] errGate, int rows, double lambda, double[] norms)
    {
        // ∂MSE/∂x̂ = 2·err/B and ∂AUX/∂x̂_gate = 2·errGate/B, each into b_dec, W_dec and its activations
        for (int e = 0; e < D; e++)
            grad[3][e] += 2 * (err[e] + errGate[e]) / rows;
        for (int i = 0; i < N; i++)
        {
            double df = 0, dGateAct = 0;
            for (int e = 0; e < D; e++)
            {
                grad[2][i * D + e] += 2 * (f[i] * err[e] + gate[i] * errGate[e]) / rows;
                df += 2 * err[e] / rows * p[2][i * D + e];
                dGateAct += 2 * errGate[e] / rows * p[2][i * D + e];
            }
            // the Heaviside 1[π_gate > 0] passes nothing; relu(π_gate) and relu(π_mag) pass where their input is > 0
            if (!(piGate[i] > 0))
                continue;
            double dPiGate = dGateAct + lambda / rows * norms[i];
            double dPiMag = piMag[i] > 0 ? df : 0;
            // L1 = Σ relu(π_gate)·‖W_dec,i‖ / B
            if (norms[i] > 0)
                for (int e = 0; e < D; e++) grad[2][i * D + e] += lambda / rows * gate[i] * p[2][i * D + e] / norms[i];
            double scale = Math.Exp(p[4][i]);
            grad[1][i] += dPiGate;
            grad[5][i] += dPiMag;
            grad[4][i] += dPiMag * scale * z[i];
            double dz = dPiGate + scale * dPiMag;
            for (int e = 0; e < D; e++)
            {
                grad[0][i * D + e] += dz * xc[e];
                grad[3][e] -= dz * p[0][i * D + e];
            }
        }
    }
}
