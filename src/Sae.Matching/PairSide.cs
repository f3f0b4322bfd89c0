namespace Sae.Matching;

/// <summary>A side of a compared pair: A is the SAE with fewer latents (the first one on a tie), B the other.</summary>
public enum PairSide
{
    /// <summary>The narrower SAE (every latent has a partner in both assignments).</summary>
    A,

    /// <summary>The other SAE.</summary>
    B,
}
