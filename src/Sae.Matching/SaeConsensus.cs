namespace Sae.Matching;

/// <summary>
/// One SAE's view of an N-SAE consensus: for every latent, in how many of the N SAEs it appears
/// (itself plus each other SAE in which it has a shared partner).
/// </summary>
/// <param name="AppearsIn">[n]: m for each latent, 1..N.</param>
/// <param name="Histogram">[N]: Histogram[m − 1] = number of latents that appear in exactly m SAEs.</param>
/// <param name="SharedByAll">Latents that appear in all N SAEs, ascending.</param>
public sealed record SaeConsensus(int[] AppearsIn, long[] Histogram, int[] SharedByAll)
{
    /// <summary>Number of latents.</summary>
    public int Latents => AppearsIn.Length;

    /// <summary>Fraction of latents that appear in exactly <paramref name="m"/> of the N SAEs (1 ≤ m ≤ N).</summary>
    public double Fraction(int m) => Latents == 0 ? 0 : (double)Histogram[m - 1] / Latents;
}
