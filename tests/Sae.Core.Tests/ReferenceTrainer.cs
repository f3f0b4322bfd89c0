namespace Sae.Core.Tests;

/// <summary>
/// The slow scalar twin of <see cref="Trainer"/>'s step in double precision: reference gradient,
/// sparsify's decoder-gradient projection, torch's clip_grad_norm_, torch's Adam, renormalisation,
/// BatchTopK's inference threshold (dictionary_learning's update, in float32 as torch does it) and
/// JumpReLU's threshold = exp(log_threshold).
/// </summary>
internal sealed class ReferenceTrainer
{
    private readonly SaeConfig _sae;
    private readonly TrainConfig _train;
    private readonly ReferenceSae _model;
    private readonly double[][] _m, _v;

    public ReferenceTrainer(SaeConfig sae, TrainConfig train, SaeParameters initial)
    {
        (_sae, _train, _model) = (sae, train, new ReferenceSae(sae));
        Parameters = ReferenceSae.ToDouble(initial);
        _m = Parameters.Select(t => new double[t.Length]).ToArray();
        _v = Parameters.Select(t => new double[t.Length]).ToArray();
    }

    public double[][] Parameters { get; }

    public void Step(float[] x, long step)
    {
        int n = _sae.Latents, d = _sae.Dimension;
        var grad = Parameters.Select(t => new double[t.Length]).ToArray();
        _model.Loss(Parameters, x, _train.BatchSize, step, grad);
        if (_sae.Architecture is SaeArchitecture.BatchTopK or SaeArchitecture.MatryoshkaBatchTopK && step > _sae.ThresholdStartStep)
        {
            // θ: the first measurement, then θ ← 0.999·θ + 0.001·m with 0.999 and 1 − 0.999 rounded to float32
            float m = (float)_model.LastMinSelected;
            for (int i = 0; i < n; i++)
            {
                float theta = (float)Parameters[4][i];
                Parameters[4][i] = step == _sae.ThresholdStartStep + 1 ? m : 0.999f * theta + (float)(1 - 0.999) * m;
            }
        }
        if (_sae.NormalizeDecoder)
        {
            for (int i = 0; i < n; i++)
            {
                double dot = 0;
                for (int e = 0; e < d; e++) dot += grad[2][i * d + e] * Parameters[2][i * d + e];
                for (int e = 0; e < d; e++) grad[2][i * d + e] -= dot * Parameters[2][i * d + e];
            }
        }
        if (_train.GradClip is { } clip)
        {
            double norm = Math.Sqrt(grad.Sum(t => t.Sum(g => g * g)));
            double coef = Math.Min(1.0, clip / (norm + 1e-6));
            foreach (var t in grad)
                for (int i = 0; i < t.Length; i++) t[i] *= coef;
        }
        double lr = _train.ResolveLearningRate(_sae) * LearningRateSchedule.Factor(step, _train.WarmupSteps, _train.Steps, _train.Decay);
        long t1 = step + 1;
        double bc1 = 1 - Math.Pow(_train.Beta1, t1), bc2 = 1 - Math.Pow(_train.Beta2, t1);
        for (int t = 0; t < Parameters.Length; t++)
        {
            if (t >= 4 && !_sae.Spec.ExtraTensors[t - 4].Trained)
                continue;
            for (int i = 0; i < grad[t].Length; i++)
            {
                _m[t][i] = _train.Beta1 * _m[t][i] + (1 - _train.Beta1) * grad[t][i];
                _v[t][i] = _train.Beta2 * _v[t][i] + (1 - _train.Beta2) * grad[t][i] * grad[t][i];
                Parameters[t][i] -= lr / bc1 * _m[t][i] / (Math.Sqrt(_v[t][i]) / Math.Sqrt(bc2) + _train.Epsilon);
            }
        }
        if (_sae.NormalizeDecoder)
        {
            for (int i = 0; i < n; i++)
            {
                double norm = Math.Sqrt(Enumerable.Range(0, d).Sum(e => Parameters[2][i * d + e] * Parameters[2][i * d + e]));
                for (int e = 0; e < d; e++) Parameters[2][i * d + e] /= norm + 1.1920929e-7;
            }
        }
        // JumpReLU: the saved threshold follows the trained log_threshold
        if (_sae.Architecture == SaeArchitecture.JumpReLU)
        {
            for (int i = 0; i < n; i++)
                Parameters[5][i] = Math.Exp(Parameters[4][i]);
        }
    }
}
