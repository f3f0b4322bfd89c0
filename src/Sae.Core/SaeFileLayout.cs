namespace Sae.Core;

/// <summary>How an SAE is laid out on disk.</summary>
public enum SaeFileLayout
{
    /// <summary>EleutherAI sparsify: cfg.json + sae.safetensors with encoder.weight [n, d], encoder.bias [n], W_dec [n, d], b_dec [d].</summary>
    Sparsify,

    /// <summary>SAELens: cfg.json + sae_weights.safetensors with W_enc [d, n], b_enc [n], W_dec [n, d], b_dec [d].</summary>
    SaeLens,
}
