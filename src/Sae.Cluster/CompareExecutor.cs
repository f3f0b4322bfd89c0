using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sae.Core;
using Sae.Matching;

namespace Sae.Cluster;

/// <summary>
/// Compares the final SAEs of two runs (PairComparison: two optimal assignments, on decoder and encoder rows)
/// and stores result.json (the pair summary, which latents are shared on each side, histograms of the matched
/// cosines) and matches.csv (one row per latent). Both files depend only on the two SAEs, so a repeated
/// comparison rewrites identical bytes. A cell whose architecture has signed latents (AbsTopK) is matched by
/// |cos| (<see cref="SignInvariance"/>): result.json then says "sign_invariant": true with the flipped counts,
/// and matches.csv has the sign columns; other cells' files are as they always were.
/// </summary>
internal sealed class CompareExecutor(IBlobStore blobs, string workDirectory, int threads)
{
    /// <summary>Bins of the matched-cosine histograms over [0, 1].</summary>
    public const int HistogramBins = 20;

    public async Task<PairSummary> CompareAsync(SweepPlan plan, PlannedComparison c, CancellationToken cancel)
    {
        string sweep = plan.SweepId;
        var a = await FinalSaes.LoadAsync(blobs, Path.Combine(workDirectory, "cache"), sweep, c.A, cancel).ConfigureAwait(false);
        var b = await FinalSaes.LoadAsync(blobs, Path.Combine(workDirectory, "cache"), sweep, c.B, cancel).ConfigureAwait(false);
        var options = new MatchingOptions(plan.Document.Threshold, threads, plan.Document.MemoryBudgetBytes) { SignInvariant = SignInvariance.For(c.Cell) };
        var result = await Task.Run(() => PairComparison.Compare(a.Parameters, b.Parameters, options, cancel: cancel), cancel).ConfigureAwait(false);
        var json = Result(c, result);
        await blobs.WriteAsync(StoreLayout.ComparisonResult(sweep, c.ComparisonId), Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"),
            BlobCondition.None, cancel).ConfigureAwait(false);
        using var csv = new MemoryStream();
        MatchesCsv.Write(csv, result);
        await blobs.WriteAsync(StoreLayout.ComparisonMatches(sweep, c.ComparisonId), csv.ToArray(), BlobCondition.None, cancel).ConfigureAwait(false);
        return result.Summary;
    }

    private static JsonObject Result(PlannedComparison c, PairResult result)
    {
        var json = ComparisonJson.Pair(result.Summary);
        json["run_a"] = c.A.RunId;
        json["run_b"] = c.B.RunId;
        json["shared_a"] = Indices(result.SharedMask(result.SideOf(firstArgument: true)));
        json["shared_b"] = Indices(result.SharedMask(result.SideOf(firstArgument: false)));
        json["dec_cos_histogram"] = Histogram(result.Decoder.PartnerCosine);
        json["enc_cos_histogram"] = Histogram(result.Encoder.PartnerCosine);
        return json;
    }

    private static JsonArray Indices(bool[] mask) =>
        new(Enumerable.Range(0, mask.Length).Where(i => mask[i]).Select(i => (JsonNode)i).ToArray());

    // matched cosines in [0, 1] in equal bins; negatives count in the first bin, 1 in the last
    internal static JsonArray Histogram(float[] cosines)
    {
        var counts = new long[HistogramBins];
        foreach (float c in cosines)
            counts[Math.Clamp((int)(c * HistogramBins), 0, HistogramBins - 1)]++;
        return new JsonArray(counts.Select(n => (JsonNode)n).ToArray());
    }

}
