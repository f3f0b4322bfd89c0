using Sae.Numerics;

namespace Sae.Core;

/// <summary>
/// Trains one SAE per seed on identical batches, reading each batch once. A step is a sequence of
/// named stages per seed: forward + backward, constrain the gradient, clip it, Adam, constrain the
/// parameters, update the dead-latent counters. Everything is deterministic: the same
/// configuration and seeds give the same bits for any thread count.
/// </summary>
public sealed class Trainer
{
    private readonly BatchReader _batches;
    private readonly float[] _batch;
    private readonly double _learningRate;

    /// <summary>Creates a trainer at step 0 (call <see cref="Initialize"/> or restore a checkpoint next).</summary>
    public Trainer(SaeConfig sae, TrainConfig train, IReadOnlyList<ulong> seeds, IActivationSource data)
    {
        if (data.Dimension != sae.Dimension)
            throw new SaeInputException($"{data.Description}: activations have d = {data.Dimension} but the SAE expects d = {sae.Dimension}.");
        if (data.Rows < 1)
            throw new SaeInputException($"{data.Description}: no activation rows to train on.");
        if (seeds.Count == 0 || seeds.Distinct().Count() != seeds.Count)
            throw new SaeInputException($"--seeds must list at least one seed, each once (got {string.Join(",", seeds)}).");
        Sae = sae;
        Train = train;
        Data = data;
        _batches = new BatchReader(data, train.BatchSize, train.DataSeed);
        _batch = new float[(long)train.BatchSize * sae.Dimension];
        _learningRate = train.ResolveLearningRate(sae);
        Seeds = seeds.Select(s => new SeedState(sae, s)).ToArray();
    }

    /// <summary>The SAE configuration.</summary>
    public SaeConfig Sae { get; }

    /// <summary>The optimisation settings.</summary>
    public TrainConfig Train { get; }

    /// <summary>The activations.</summary>
    public IActivationSource Data { get; }

    /// <summary>The next step to run (= steps done).</summary>
    public long Step { get; internal set; }

    /// <summary>Tokens seen per seed.</summary>
    public long Tokens => Step * Train.BatchSize;

    /// <summary>Row where the next batch starts.</summary>
    public long DataCursor => _batches.FirstRow(Step);

    /// <summary>True when every step has run.</summary>
    public bool Finished => Step >= Train.Steps;

    internal IReadOnlyList<SeedState> Seeds { get; }

    /// <summary>The peak learning rate in use.</summary>
    public double LearningRate => _learningRate;

    /// <summary>Seed i's current weights.</summary>
    public SaeParameters Parameters(int i) => Seeds[i].Parameters;

    /// <summary>Initial weights for every seed, from its seed and the first batch (step 0 must not have run).</summary>
    public void Initialize()
    {
        if (Step != 0)
            throw new InvalidOperationException("Initialize runs before the first step only.");
        _batches.Read(0, _batch);
        foreach (var s in Seeds)
            s.Model.Initialize(s.Parameters, s.Seed, _batch, Train.BatchSize, Train.Threads);
    }

    /// <summary>Runs one optimisation step for every seed on the next batch.</summary>
    public void RunStep()
    {
        if (Finished)
            throw new InvalidOperationException($"The run is finished ({Train.Steps} steps).");
        _batches.Read(Step, _batch);
        foreach (var s in Seeds)
        {
            ForwardBackward(s);
            s.Model.ConstrainGradient(s.Parameters, s.Gradient, Train.Threads);
            ClipGradient(s);
            OptimizerStep(s);
            s.Model.ConstrainParameters(s.Parameters, Train.Threads);
            UpdateDeadCounters(s);
        }
        Step++;
    }

    /// <summary>Metrics of seed i after the last step; dead = not selected within the last min(dead-tokens, tokens seen) tokens.</summary>
    public SeedMetrics Metrics(int i)
    {
        var s = Seeds[i];
        long window = Math.Min(Sae.DeadTokens, Tokens);
        int dead = window == 0 ? 0 : s.TokensSinceFired.Count(t => t >= window);
        return new SeedMetrics(s.Seed, Step, Tokens, s.LastLoss, (double)dead / Sae.Latents, s.LastGradNorm);
    }

    private void ForwardBackward(SeedState s)
    {
        Array.Clear(s.Fires);
        s.LastLoss = s.Model.ForwardBackward(s.Parameters, _batch, Train.BatchSize, Step, s.Gradient, s.Fires, s.TokensSinceFired, Train.Threads);
        if (!double.IsFinite(s.LastLoss.Loss))
            throw new SaeInputException($"seed {s.Seed}: the loss became {s.LastLoss.Loss} at step {Step}; lower --lr or check the activations.");
    }

    private void ClipGradient(SeedState s)
    {
        // torch's clip_grad_norm_ over the trained parameters only (an untrained statistic has no gradient)
        var grads = s.Gradient.TrainedTensors.Select(t => new Memory<float>(t)).ToArray();
        s.LastGradNorm = Train.GradClip is { } clip
            ? GradientClip.ClipByGlobalNorm(grads, (float)clip, Train.Threads)
            : GradientClip.GlobalNorm(grads.Select(g => (ReadOnlyMemory<float>)g).ToArray(), Train.Threads);
    }

    private void OptimizerStep(SeedState s)
    {
        double lr = _learningRate * LearningRateSchedule.Factor(Step, Train.WarmupSteps, Train.Steps, Train.Decay);
        var hyper = new AdamHyper(lr, Train.Beta1, Train.Beta2, Train.Epsilon);
        var (p, g, m, v) = (s.Parameters.TrainedTensors, s.Gradient.TrainedTensors, s.AdamM.TrainedTensors, s.AdamV.TrainedTensors);
        for (int t = 0; t < p.Count; t++)
            Adam.Step(p[t], g[t], m[t], v[t], hyper, Step + 1, Train.Threads);
    }

    private void UpdateDeadCounters(SeedState s)
    {
        for (int i = 0; i < s.TokensSinceFired.Length; i++)
            s.TokensSinceFired[i] = s.Fires[i] > 0 ? 0 : s.TokensSinceFired[i] + Train.BatchSize;
    }
}
