namespace Sae.Matching;

/// <summary>The consensus of N SAEs compared in all pairs (see <see cref="ConsensusAnalysis"/>).</summary>
/// <param name="SharedFraction">[N][N]: row s, column t = fraction of SAE s's latents with a shared partner in SAE t (1 on the diagonal; not symmetric in general).</param>
/// <param name="Saes">[N]: each SAE's "appears in m of N" counts.</param>
public sealed record ConsensusResult(double[][] SharedFraction, IReadOnlyList<SaeConsensus> Saes)
{
    /// <summary>N.</summary>
    public int SaeCount => Saes.Count;
}
