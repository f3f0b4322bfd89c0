namespace Sae.Matching;

/// <summary>
/// One of the two independent assignments of a pair (decoder or encoder): the assignment between
/// the latents of A (rows) and B (columns), each A latent's cosine to its partner, and the
/// non-bijective baseline (mean max cosine, MMCS) in both directions.
/// </summary>
/// <param name="Assignment">Rows = latents of A, columns = latents of B.</param>
/// <param name="PartnerCosine">[n_a]: cosine of A latent i to its assigned partner (0 if it has none).</param>
/// <param name="MmcsAB">Mean over A's latents of the largest cosine to any latent of B.</param>
/// <param name="MmcsBA">Mean over B's latents of the largest cosine to any latent of A.</param>
/// <param name="Method">"dense" (exact on the full matrix) or "sparse" (exact on a candidate graph; see <see cref="LargeScaleMatcher"/>).</param>
/// <param name="OptimalityGap">Proven bound on (best possible total cosine − this assignment's total): 0 for the dense solver.</param>
/// <param name="FallbackPairs">Pairs that were not candidate edges (sparse method only).</param>
/// <param name="PartnerSign">Sign-invariant matching only (null otherwise): [n_a], the sign of the raw cosine of A latent i
/// to its partner, +1 or −1 (+1 for a cosine of 0, 0 without a partner); <paramref name="PartnerCosine"/>, the MMCS and the
/// assignment are then on |cos|, and the raw cosine is PartnerSign[i]·PartnerCosine[i].</param>
public sealed record MatchSide(Assignment Assignment, float[] PartnerCosine, double MmcsAB, double MmcsBA,
    string Method = "dense", double OptimalityGap = 0, int FallbackPairs = 0, sbyte[]? PartnerSign = null)
{
    /// <summary>Matched pairs whose raw cosine is negative (0 unless sign-invariant).</summary>
    public int FlippedPairs => PartnerSign is null ? 0 : PartnerSign.Count(s => s < 0);

    /// <summary>Mean of <see cref="PartnerCosine"/> over A's latents (0 when A has none).</summary>
    public double MeanCosine => PartnerCosine.Length == 0 ? 0 : PartnerCosine.Average(c => (double)c);
}
