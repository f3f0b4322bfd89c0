namespace Sae.Matching;

/// <summary>How well one group of latents (e.g. shared or orphan) lines up with the true features.</summary>
/// <param name="Count">Latents in the group.</param>
/// <param name="MeanBestCosine">Mean over the group of each latent's best decoder cosine to any true feature; null for an empty group.</param>
/// <param name="FractionRecovering">Fraction of the group whose best cosine is &gt; the recovery threshold; null for an empty group.</param>
public sealed record LatentGroupRecovery(int Count, double? MeanBestCosine, double? FractionRecovering)
{
    internal static LatentGroupRecovery Of(IEnumerable<float> bestCosines, double threshold)
    {
        var list = bestCosines.Select(c => (double)c).ToList();
        return list.Count == 0
            ? new LatentGroupRecovery(0, null, null)
            : new LatentGroupRecovery(list.Count, list.Average(), (double)list.Count(c => c > threshold) / list.Count);
    }
}
