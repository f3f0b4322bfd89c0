namespace Sae.Core;

/// <summary>
/// An SAE architecture: the contract every family implements (initialise, forward + backward on a
/// batch, constrain gradients before the optimiser step, constrain parameters after it).
/// </summary>
internal interface ISaeModel
{
    /// <summary>The configuration this model was built for.</summary>
    SaeConfig Config { get; }

    /// <summary>Initial weights from <paramref name="seed"/>; b_dec from the first batch where the recipe says so. x: [rows, d].</summary>
    void Initialize(SaeParameters p, ulong seed, ReadOnlySpan<float> firstBatch, int rows, int threads);

    /// <summary>
    /// Forward and backward on x ([rows, d]): overwrites <paramref name="grad"/> with ∂Loss/∂params,
    /// adds each latent's fire count over the batch into <paramref name="fires"/> ([n]) and returns the losses.
    /// <paramref name="tokensSinceFired"/> ([n], before this step) tells which latents are dead (AuxK).
    /// </summary>
    StepLoss ForwardBackward(SaeParameters p, ReadOnlySpan<float> x, int rows, long step, SaeParameters grad, Span<long> fires,
        ReadOnlySpan<long> tokensSinceFired, int threads);

    /// <summary>Changes the gradient before the optimiser step (sparsify: remove the part parallel to unit decoder rows).</summary>
    void ConstrainGradient(SaeParameters p, SaeParameters grad, int threads);

    /// <summary>
    /// Inference: the activations f [rows, n] (dense, zeros where a latent is off) of x [rows, d] as the
    /// architecture computes them outside training (BatchTopK: relu(pre) above its threshold).
    /// </summary>
    void Encode(SaeParameters p, ReadOnlySpan<float> x, int rows, Span<float> activations, int threads);

    /// <summary>Changes the parameters after the optimiser step (sparsify: renormalise decoder rows).</summary>
    void ConstrainParameters(SaeParameters p, int threads);
}
