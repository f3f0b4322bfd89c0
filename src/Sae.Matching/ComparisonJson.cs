using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sae.Matching;

/// <summary>
/// The JSON forms of the comparison results (the pieces of summary.json): snake_case keys,
/// fractions in [0, 1], null where a statistic is undefined (an empty group).
/// </summary>
public static class ComparisonJson
{
    /// <summary>The pair statistics with the keys of <see cref="PairSummary"/>.</summary>
    public static JsonObject Pair(PairSummary summary) =>
        (JsonObject)JsonSerializer.SerializeToNode(summary, ComparisonJsonContext.Default.PairSummary)!;

    /// <summary>
    /// { "n_saes", "names", "shared_fraction_matrix" (row s, column t: fraction of s's latents
    /// shared with t), "saes": [{ "name", "n_latents", "appears_in_histogram" (counts for m = 1..N),
    /// "appears_in_fraction", "shared_by_all" (latent indices) }] }.
    /// </summary>
    public static JsonObject Consensus(ConsensusResult consensus, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(consensus);
        ArgumentNullException.ThrowIfNull(names);
        var saes = new JsonArray();
        for (int s = 0; s < consensus.SaeCount; s++)
        {
            var c = consensus.Saes[s];
            saes.Add(new JsonObject
            {
                ["name"] = names[s],
                ["n_latents"] = c.Latents,
                ["appears_in_histogram"] = Array(c.Histogram),
                ["appears_in_fraction"] = Array(Enumerable.Range(1, consensus.SaeCount).Select(c.Fraction)),
                ["shared_by_all"] = Array(c.SharedByAll),
            });
        }
        return new JsonObject
        {
            ["n_saes"] = consensus.SaeCount,
            ["names"] = Array(names),
            ["shared_fraction_matrix"] = new JsonArray(consensus.SharedFraction.Select(row => (JsonNode)Array(row)).ToArray()),
            ["saes"] = saes,
        };
    }

    /// <summary>
    /// { "n_features", "threshold", "mmcs", "fraction_recovered", "shared", "shared_by_all",
    /// "orphan" }, each group { "count", "mean_best_cos", "fraction_above_threshold" }; then
    /// "sign_invariant": true when the cosines are |cos| (absent otherwise, as in <see cref="PairSummary"/>).
    /// </summary>
    public static JsonObject Recovery(RecoveryResult recovery)
    {
        ArgumentNullException.ThrowIfNull(recovery);
        var json = new JsonObject
        {
            ["n_features"] = recovery.Features,
            ["threshold"] = recovery.Threshold,
            ["mmcs"] = recovery.MeanFeatureBestCosine,
            ["fraction_recovered"] = recovery.FractionRecovered,
            ["shared"] = Group(recovery.Shared),
            ["shared_by_all"] = Group(recovery.SharedByAll),
            ["orphan"] = Group(recovery.Orphan),
        };
        if (recovery.SignInvariant)
            json["sign_invariant"] = true;
        return json;
    }

    private static JsonObject Group(LatentGroupRecovery g) => new()
    {
        ["count"] = g.Count,
        ["mean_best_cos"] = g.MeanBestCosine,
        ["fraction_above_threshold"] = g.FractionRecovering,
    };

    private static JsonArray Array<T>(IEnumerable<T> values) => new(values.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>());
}
