namespace Sae.Core;

/// <summary>How the learning rate changes after the warm-up.</summary>
public enum LearningRateDecay
{
    /// <summary>Constant after the warm-up.</summary>
    None,

    /// <summary>Linear to zero at the last step (transformers' get_linear_schedule_with_warmup, as sparsify uses).</summary>
    Linear,
}

/// <summary>
/// Optimisation settings shared by every seed of a training job. Validated when built; an invalid
/// setting throws <see cref="SaeInputException"/> naming the setting and its allowed range.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>Creates and validates the settings. <paramref name="learningRate"/> null means the architecture's default.</summary>
    public TrainConfig(int batchSize, long steps, double? learningRate = null, int warmupSteps = 1000,
        LearningRateDecay decay = LearningRateDecay.Linear, double? gradClip = 1.0, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, int threads = 1, ulong? dataSeed = null)
    {
        BatchSize = batchSize;
        Steps = steps;
        LearningRate = learningRate;
        WarmupSteps = warmupSteps;
        Decay = decay;
        GradClip = gradClip;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Threads = threads;
        DataSeed = dataSeed;
        Validate();
    }

    /// <summary>Tokens (activation rows) per optimisation step.</summary>
    public int BatchSize { get; }

    /// <summary>Optimisation steps in the whole run.</summary>
    public long Steps { get; }

    /// <summary>Peak learning rate; null = the architecture default (see <see cref="ResolveLearningRate"/>).</summary>
    public double? LearningRate { get; }

    /// <summary>Linear warm-up steps from 0 to the peak (0 = off).</summary>
    public int WarmupSteps { get; }

    /// <summary>Decay after the warm-up.</summary>
    public LearningRateDecay Decay { get; }

    /// <summary>Maximum global gradient norm, or null for no clipping.</summary>
    public double? GradClip { get; }

    /// <summary>Adam β1.</summary>
    public double Beta1 { get; }

    /// <summary>Adam β2.</summary>
    public double Beta2 { get; }

    /// <summary>Adam ε.</summary>
    public double Epsilon { get; }

    /// <summary>Shuffle seed for the data order (a new permutation of all rows each epoch); null = file order.</summary>
    public ulong? DataSeed { get; }

    /// <summary>Threads for the kernels; results do not depend on it.</summary>
    public int Threads { get; }

    /// <summary>
    /// The peak learning rate for <paramref name="sae"/>: the configured one, else the architecture's
    /// default (sparsify's 2e-4/√(n/16384) for TopK, SAELens' typical 3e-4 for ReLU+L1).
    /// </summary>
    public double ResolveLearningRate(SaeConfig sae)
    {
        ArgumentNullException.ThrowIfNull(sae);
        return LearningRate ?? sae.Spec.DefaultLearningRate(sae);
    }

    private void Validate()
    {
        if (BatchSize < 1)
            throw new SaeInputException($"--batch must be >= 1 (got {BatchSize}).");
        if (Steps < 1)
            throw new SaeInputException($"the run must have at least one step (got {Steps}); raise --steps or --tokens.");
        if (LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr)))
            throw new SaeInputException($"--lr must be a finite number > 0 (got {lr}).");
        if (WarmupSteps < 0)
            throw new SaeInputException($"--lr-warmup-steps must be >= 0 (got {WarmupSteps}).");
        if (GradClip is { } clip && !(clip > 0 && double.IsFinite(clip)))
            throw new SaeInputException($"--grad-clip must be a finite number > 0, or 'none' (got {clip}).");
        if (!(Beta1 >= 0 && Beta1 < 1) || !(Beta2 >= 0 && Beta2 < 1))
            throw new SaeInputException($"Adam betas must be in [0, 1) (got {Beta1}, {Beta2}).");
        if (!(Epsilon > 0))
            throw new SaeInputException($"Adam epsilon must be > 0 (got {Epsilon}).");
        if (Threads < 1)
            throw new SaeInputException($"--threads must be >= 1 (got {Threads}).");
    }
}
