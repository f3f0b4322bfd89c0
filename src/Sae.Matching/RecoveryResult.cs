namespace Sae.Matching;

/// <summary>
/// Ground-truth recovery of one SAE (synthetic data with known features; see
/// <see cref="GroundTruthRecovery"/>), with its latents split by the N-SAE consensus.
/// </summary>
/// <param name="FeatureBestCosine">[g]: each true feature's best cosine to any decoder row.</param>
/// <param name="LatentBestCosine">[n]: each latent's (decoder row's) best cosine to any true feature.</param>
/// <param name="Threshold">A feature counts as recovered, a latent as recovering, above this cosine.</param>
/// <param name="Shared">Latents with a shared partner in at least one other SAE (appear in ≥ 2 of N).</param>
/// <param name="SharedByAll">Latents shared with every other SAE (appear in N of N).</param>
/// <param name="Orphan">Latents shared with no other SAE (appear in 1 of N).</param>
/// <param name="SignInvariant">The cosines are |cos| (an SAE with signed latents).</param>
public sealed record RecoveryResult(float[] FeatureBestCosine, float[] LatentBestCosine, double Threshold,
    LatentGroupRecovery Shared, LatentGroupRecovery SharedByAll, LatentGroupRecovery Orphan, bool SignInvariant = false)
{
    /// <summary>g: number of true features.</summary>
    public int Features => FeatureBestCosine.Length;

    /// <summary>MMCS: mean over true features of the best cosine to any decoder row.</summary>
    public double MeanFeatureBestCosine => FeatureBestCosine.Length == 0 ? 0 : FeatureBestCosine.Average(c => (double)c);

    /// <summary>Fraction of true features whose best cosine is &gt; <see cref="Threshold"/>.</summary>
    public double FractionRecovered => FeatureBestCosine.Length == 0 ? 0 : (double)FeatureBestCosine.Count(c => c > Threshold) / FeatureBestCosine.Length;
}
