namespace Sae.Core;

/// <summary>The SAE families the trainer knows.</summary>
public enum SaeArchitecture
{
    /// <summary>TopK SAE as EleutherAI sparsify trains it (unit-norm decoder rows, FVU loss).</summary>
    TopK,

    /// <summary>ReLU SAE with an L1 penalty weighted by decoder norms, as SAELens' "standard" SAE.</summary>
    ReluL1,

    /// <summary>
    /// BatchTopK (Bussmann et al. 2024): the k·B largest activations of the whole batch, else as TopK;
    /// an inference threshold learnt during training replaces the selection outside it.
    /// </summary>
    BatchTopK,

    /// <summary>AbsTopK: the k pre-activations largest in magnitude, kept with their sign (no relu); else as TopK.</summary>
    AbsTopK,

    /// <summary>JumpReLU (Rajamanoharan et al. 2024) as SAELens trains it: per-latent learnt thresholds, straight-through estimator, L0 penalty.</summary>
    JumpReLU,

    /// <summary>Gated SAE (Rajamanoharan et al. 2024) as SAELens trains it: a gate path decides which latents fire, a magnitude path how much.</summary>
    Gated,

    /// <summary>Matryoshka BatchTopK (Bussmann et al. 2025): BatchTopK whose nested prefixes of the dictionary each reconstruct the input.</summary>
    MatryoshkaBatchTopK,
}
