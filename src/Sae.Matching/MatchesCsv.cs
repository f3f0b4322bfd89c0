using System.Globalization;
using System.Text;

namespace Sae.Matching;

/// <summary>
/// The per-latent match table of a pair, one row per latent of A (the narrower SAE):
/// <c>latent,dec_partner,dec_cos,enc_partner,enc_cos,shared,agree</c>. Partners are latent indices
/// of B (−1 = none); cosines are float32 in shortest round-trip form; shared and agree are 1 or 0.
/// A sign-invariant comparison (<see cref="PairResult.SignInvariant"/>) writes |cos| in dec_cos and
/// enc_cos and appends <c>dec_sign,enc_sign</c>: the sign of each partner's raw cosine, 1 or −1
/// (0 without a partner); signed comparisons keep the seven columns, byte for byte.
/// </summary>
public static class MatchesCsv
{
    /// <summary>The header line of a signed comparison, exactly.</summary>
    public const string Header = "latent,dec_partner,dec_cos,enc_partner,enc_cos,shared,agree";

    /// <summary>The header line of a sign-invariant comparison, exactly: <see cref="Header"/> and the two sign columns.</summary>
    public const string SignInvariantHeader = Header + ",dec_sign,enc_sign";

    /// <summary>Writes the table (UTF-8, "\n" line ends) to <paramref name="stream"/>, leaving it open.</summary>
    public static void Write(Stream stream, PairResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(result.SignInvariant ? SignInvariantHeader : Header);
        for (int i = 0; i < result.LatentsA; i++)
            writer.WriteLine(Row(result, i));
    }

    private static string Row(PairResult r, int i)
    {
        var inv = CultureInfo.InvariantCulture;
        string row = string.Create(inv,
            $"{i},{r.Decoder.Assignment.RowToColumn[i]},{r.Decoder.PartnerCosine[i]},{r.Encoder.Assignment.RowToColumn[i]},{r.Encoder.PartnerCosine[i]},"
            + $"{(r.IsShared(i, r.Threshold) ? 1 : 0)},{(r.Agrees(i) ? 1 : 0)}");
        return r.Decoder.PartnerSign is { } dec && r.Encoder.PartnerSign is { } enc
            ? string.Create(inv, $"{row},{dec[i]},{enc[i]}")
            : row;
    }
}
