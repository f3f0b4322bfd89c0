using Sae.Core;

namespace Sae.Matching;

/// <summary>
/// Recovery of known features (Sharkey et al. style synthetic data): cosines between the true
/// feature directions G [g, d] and an SAE's decoder rows [n, d], both unit-normalised, reduced
/// to each feature's best latent (MMCS, fraction &gt; 0.9) and each latent's best feature, the
/// latter split into shared and orphan latents by their "appears in m of N" count. For an SAE with
/// signed latents (matched sign-invariantly) the cosines are |cos|: a latent that reads a true
/// feature with the opposite sign recovers it.
/// </summary>
public static class GroundTruthRecovery
{
    /// <summary>The customary recovery threshold: a cosine above 0.9.</summary>
    public const double DefaultThreshold = 0.9;

    /// <summary>Scores one SAE against the true features.</summary>
    /// <param name="features">True feature directions [featureCount, d].</param>
    /// <param name="featureCount">g.</param>
    /// <param name="sae">The SAE (its decoder rows are compared).</param>
    /// <param name="appearsIn">[n]: in how many of the N SAEs each latent appears (<see cref="SaeConsensus.AppearsIn"/>).</param>
    /// <param name="saeCount">N.</param>
    /// <param name="threads">GEMM threads (≥ 1).</param>
    /// <param name="threshold">Recovery threshold on the cosine.</param>
    /// <param name="signInvariant">Use |cos| (the SAE's latents are signed; the same rule as <see cref="MatchingOptions.SignInvariant"/>).</param>
    /// <param name="cancel">Checked between blocks.</param>
    /// <exception cref="SaeInputException">The features do not have the SAE's width d.</exception>
    public static RecoveryResult Compute(ReadOnlySpan<float> features, int featureCount, SaeParameters sae, IReadOnlyList<int> appearsIn, int saeCount,
        int threads = 1, double threshold = DefaultThreshold, bool signInvariant = false, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(sae);
        ArgumentNullException.ThrowIfNull(appearsIn);
        int d = sae.Dimension, n = sae.Latents;
        if (features.Length != (long)featureCount * d)
            throw new SaeInputException($"the ground-truth features hold {features.Length} values, not {featureCount} × d = {d}.");
        if (appearsIn.Count != n)
            throw new ArgumentException($"appearsIn has {appearsIn.Count} entries but the SAE has {n} latents.", nameof(appearsIn));
        var unitFeatures = CosineSimilarity.UnitRows(features, featureCount, d, threads);
        var unitDecoder = CosineSimilarity.UnitRows(sae.DecoderWeight, n, d, threads);
        var featureBest = new float[featureCount];
        var latentBest = new float[n];
        // rows = latents so that blocks are bounded by the (usually smaller) feature count
        CosineSimilarity.BestMatches(unitDecoder, n, unitFeatures, featureCount, d, latentBest, featureBest, threads, signInvariant, cancel);
        IEnumerable<float> Group(Func<int, bool> member) => Enumerable.Range(0, n).Where(member).Select(i => latentBest[i]);
        return new RecoveryResult(featureBest, latentBest, threshold,
            Shared: LatentGroupRecovery.Of(Group(i => appearsIn[i] >= 2), threshold),
            SharedByAll: LatentGroupRecovery.Of(Group(i => appearsIn[i] == saeCount), threshold),
            Orphan: LatentGroupRecovery.Of(Group(i => appearsIn[i] == 1), threshold),
            SignInvariant: signInvariant);
    }
}
