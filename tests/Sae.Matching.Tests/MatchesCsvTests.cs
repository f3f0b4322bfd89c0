using System.Text;

namespace Sae.Matching.Tests;

public class MatchesCsvTests
{
    [Fact]
    public void Write_PlantedPair_OneRowPerLatentOfA()
    {
        var a = Planted.Random(8, 32, 1);
        var b = Planted.Random(12, 32, 2);
        Planted.Copy(a, 3, b, 7);
        var r = PairComparison.Compare(b, a, new MatchingOptions()); // swapped: A is the 8-latent SAE
        using var stream = new MemoryStream();
        MatchesCsv.Write(stream, r);
        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Equal("latent,dec_partner,dec_cos,enc_partner,enc_cos,shared,agree", lines[0]);
        Assert.Equal(8 + 2, lines.Length); // header, 8 rows, empty after the last "\n"
        var row3 = lines[4].Split(',');
        Assert.Equal(["3", "7"], row3[..2]);
        Assert.Equal(["7", "1", "1"], row3[3..4].Concat(row3[5..]));
        Assert.Equal(r.Decoder.PartnerCosine[3], float.Parse(row3[2], System.Globalization.CultureInfo.InvariantCulture));
    }
}
