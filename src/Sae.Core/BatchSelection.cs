using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// BatchTopK's training selection and its inference threshold, as dictionary_learning's
/// BatchTopKTrainer does them. Selection: of relu(pre) [rows, n] keep the k·rows largest entries of
/// the whole batch (ties: lower flat index), computed from each token's top w (fused encoder) and
/// <see cref="BatchTopK.Select"/>, retrying with w doubled when a token holds more than its list;
/// the result does not depend on w, so the next step starts from 1.5 times the widest token seen.
/// Threshold θ (the "threshold" extra tensor, every latent the same value): 0 until step
/// <see cref="SaeConfig.ThresholdStartStep"/>; at step start + 1 it becomes the smallest kept
/// activation of the batch; after that θ ← 0.999·θ + 0.001·m in float32 with m that step's smallest
/// kept activation (0 when nothing is kept). Inference keeps relu(pre) where it exceeds θ.
/// </summary>
internal sealed class BatchSelection
{
    /// <summary>The name of the inference threshold tensor, SAELens' JumpReLU name.</summary>
    public const string ThresholdName = "threshold";

    /// <summary>dictionary_learning's threshold_beta.</summary>
    public const float Momentum = 0.999f;

    /// <summary>1 − β as torch gets it: computed in double by Python, then rounded to float32 (0.001f, not 1f − 0.999f).</summary>
    public const float Rate = (float)(1.0 - 0.999);

    private readonly int _n, _d, _k, _startStep;
    private float[] _values = [];
    private int[] _indices = [], _counts = [];
    private int _width;

    public BatchSelection(SaeConfig config)
    {
        (_n, _d, _k, _startStep) = (config.Latents, config.Dimension, config.K, config.ThresholdStartStep);
        _width = Math.Min(_n, 2 * _k);
    }

    /// <summary>
    /// Fills <paramref name="main"/> with the batch's selection, padded per token to the widest token:
    /// a token's kept latents first, then value-0 slots at its next listed latents (which add exact
    /// zeros). Returns the smallest kept activation (0 when none).
    /// </summary>
    public float Select(SaeParameters p, ReadOnlySpan<float> xc, int rows, SparseTerm main, int threads)
    {
        long count = (long)_k * rows;
        BatchTopKResult result;
        while (true)
        {
            int w = _width;
            if (_values.Length < rows * w)
            {
                _values = new float[rows * w];
                _indices = new int[rows * w];
            }
            if (_counts.Length < rows)
                _counts = new int[rows];
            EncoderTopK.Forward(xc, p.EncoderWeight, p.EncoderBias, rows, _n, _d, w, _values.AsSpan(0, rows * w), _indices.AsSpan(0, rows * w), threads);
            result = BatchTopK.Select(_values.AsSpan(0, rows * w), rows, w, _n, count, _counts.AsSpan(0, rows));
            if (result.Complete)
                break;
            _width = Math.Min(_n, 2 * w);
        }
        int listed = _width, width = Math.Max(result.Width, 1);
        main.Ensure(rows, width);
        for (int b = 0; b < rows; b++)
        {
            var values = main.Values.AsSpan(b * width, width);
            _values.AsSpan(b * listed, width).CopyTo(values);
            _indices.AsSpan(b * listed, width).CopyTo(main.Indices.AsSpan(b * width, width));
            values[_counts[b]..].Clear();
        }
        // next step's list: half again the widest token (a retry costs a whole encoder pass; a longer list ~15% of one per doubling)
        _width = Math.Clamp(width + width / 2, Math.Min(_n, 2 * _k), _n);
        return result.MinSelected;
    }

    /// <summary>dictionary_learning's update_threshold, run at every step after the start step (see the class).</summary>
    public void UpdateThreshold(SaeParameters p, long step, float minSelected)
    {
        if (step <= _startStep)
            return;
        var theta = p.Extra(ThresholdName);
        if (step == _startStep + 1)
        {
            Array.Fill(theta, minSelected);
            return;
        }
        for (int i = 0; i < theta.Length; i++)
            theta[i] = Momentum * theta[i] + Rate * minSelected;
    }

    /// <summary>fires[i] += tokens that kept latent i: the selection's non-zero slots (the rest is padding).</summary>
    public static void CountFires(SparseTerm selection, int rows, Span<long> fires)
    {
        int slots = rows * selection.Width;
        for (int s = 0; s < slots; s++)
        {
            if (selection.Values[s] > 0f)
                fires[selection.Indices[s]]++;
        }
    }

    /// <summary>Inference: f [rows, n] = relu(pre) where relu(pre) &gt; θ, else 0.</summary>
    public static void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> f, int threads)
    {
        int n = p.Latents;
        ReluL1Model.EncodeRelu(p, x, rows, f, threads);
        var theta = p.Extra(ThresholdName);
        for (int b = 0; b < rows; b++)
        {
            var row = f.Slice(b * n, n);
            for (int i = 0; i < n; i++)
            {
                if (!(row[i] > theta[i]))
                    row[i] = 0f;
            }
        }
    }
}
