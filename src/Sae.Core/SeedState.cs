namespace Sae.Core;

/// <summary>
/// Everything one seed's SAE carries through training: the weights, their gradient and Adam
/// moments, the dead-latent counters and the model's scratch buffers. Seeds differ only in the
/// initial weights; they see the same batches.
/// </summary>
internal sealed class SeedState
{
    public SeedState(SaeConfig config, ulong seed)
    {
        Seed = seed;
        Model = config.Spec.CreateModel(config);
        // the architecture's extra tensors ride along in all four, so TrainedTensors line up one to one
        var extras = config.Spec.ExtraTensors;
        Parameters = new SaeParameters(config.Latents, config.Dimension, extras);
        Gradient = new SaeParameters(config.Latents, config.Dimension, extras);
        AdamM = new SaeParameters(config.Latents, config.Dimension, extras);
        AdamV = new SaeParameters(config.Latents, config.Dimension, extras);
        TokensSinceFired = new long[config.Latents];
        Fires = new long[config.Latents];
    }

    public ulong Seed { get; }

    public ISaeModel Model { get; }

    public SaeParameters Parameters { get; }

    public SaeParameters Gradient { get; }

    /// <summary>Adam's first moments (torch exp_avg), one per tensor.</summary>
    public SaeParameters AdamM { get; }

    /// <summary>Adam's second moments (torch exp_avg_sq).</summary>
    public SaeParameters AdamV { get; }

    /// <summary>Per latent: tokens since it was last selected (sparsify's num_tokens_since_fired).</summary>
    public long[] TokensSinceFired { get; }

    /// <summary>Per latent: fires in the current batch (scratch).</summary>
    public long[] Fires { get; }

    /// <summary>The last step's losses.</summary>
    public StepLoss LastLoss { get; set; }

    /// <summary>The last step's gradient norm before clipping.</summary>
    public double LastGradNorm { get; set; }
}
