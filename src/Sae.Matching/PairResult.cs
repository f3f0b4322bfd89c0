namespace Sae.Matching;

/// <summary>
/// The comparison of two SAEs. Oriented so that A is the SAE with fewer latents (the first
/// argument on a tie; <see cref="Swapped"/> says whether the arguments were exchanged): then every
/// latent of A has a partner in both assignments, and the per-latent table and all fractions are
/// over A's latents, as the paper's "latent i of SAE 1 … shared / n".
/// </summary>
public sealed class PairResult
{
    internal PairResult(bool swapped, int dimension, double threshold, MatchSide decoder, MatchSide encoder)
    {
        Swapped = swapped;
        LatentsA = decoder.Assignment.RowToColumn.Length;
        LatentsB = decoder.Assignment.ColumnToRow.Length;
        Dimension = dimension;
        Threshold = threshold;
        Decoder = decoder;
        Encoder = encoder;
        Summary = PairSummary.From(this);
    }

    /// <summary>True when A is the second argument of the comparison (it had fewer latents).</summary>
    public bool Swapped { get; }

    /// <summary>n_a: latents of A (≤ n_b).</summary>
    public int LatentsA { get; }

    /// <summary>n_b: latents of B.</summary>
    public int LatentsB { get; }

    /// <summary>d: the width both SAEs read.</summary>
    public int Dimension { get; }

    /// <summary>Shared when both matched cosines are strictly greater than this.</summary>
    public double Threshold { get; }

    /// <summary>
    /// Matched by |cos| (<see cref="MatchingOptions.SignInvariant"/>): the matched cosines, MMCS and
    /// the shared rule are on |cos|, and each side's <see cref="MatchSide.PartnerSign"/> holds the signs.
    /// </summary>
    public bool SignInvariant => Decoder.PartnerSign is not null;

    /// <summary>The assignment on the decoder cosines.</summary>
    public MatchSide Decoder { get; }

    /// <summary>The assignment on the encoder cosines.</summary>
    public MatchSide Encoder { get; }

    /// <summary>The paper's statistics for this pair.</summary>
    public PairSummary Summary { get; }

    /// <summary>The side the first (<paramref name="firstArgument"/> = true) or second argument of the comparison ended up on.</summary>
    public PairSide SideOf(bool firstArgument) => firstArgument != Swapped ? PairSide.A : PairSide.B;

    /// <summary>Latent i of A is shared: decoder-matched cosine &gt; t and encoder-matched cosine &gt; t.</summary>
    public bool IsShared(int i, double threshold) =>
        Decoder.PartnerCosine[i] > threshold && Encoder.PartnerCosine[i] > threshold;

    /// <summary>Latent i of A has the same partner in both assignments.</summary>
    public bool Agrees(int i) =>
        Decoder.Assignment.RowToColumn[i] >= 0 && Decoder.Assignment.RowToColumn[i] == Encoder.Assignment.RowToColumn[i];

    /// <summary>
    /// Per latent of <paramref name="side"/>: shared at <see cref="Threshold"/>. For a latent of B
    /// the same rule is read through the column side of each assignment: its decoder partner's
    /// cosine &gt; t and its encoder partner's cosine &gt; t (false when it has no partner).
    /// </summary>
    public bool[] SharedMask(PairSide side)
    {
        if (side == PairSide.A)
            return Enumerable.Range(0, LatentsA).Select(i => IsShared(i, Threshold)).ToArray();
        int[] dec = Decoder.Assignment.ColumnToRow, enc = Encoder.Assignment.ColumnToRow;
        return Enumerable.Range(0, LatentsB)
            .Select(j => dec[j] >= 0 && enc[j] >= 0 && Decoder.PartnerCosine[dec[j]] > Threshold && Encoder.PartnerCosine[enc[j]] > Threshold)
            .ToArray();
    }
}
