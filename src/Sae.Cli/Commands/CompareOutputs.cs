using System.Text.Json;
using System.Text.Json.Nodes;
using Sae.Core;
using Sae.Matching;

namespace Sae.Cli.Commands;

/// <summary>
/// Writes what <c>sae compare</c> found, each file atomically:
/// OUT/{a}__{b}.matches.csv per pair (a = the narrower SAE of the pair, see <see cref="MatchesCsv"/>)
/// and OUT/summary.json = { "threshold", "d", "saes": [{ "name", "path", "layout", "n_latents" }],
/// "pairs": [{ "a", "b", "matches", + the <see cref="PairSummary"/> keys }], "consensus"
/// (<see cref="ComparisonJson.Consensus"/>), "ground_truth": null or { "path", "saes": [{ "name", + the
/// <see cref="ComparisonJson.Recovery"/> keys }] } }.
/// </summary>
internal static class CompareOutputs
{
    /// <summary>File name of the summary.</summary>
    public const string SummaryFile = "summary.json";

    /// <summary>The (a, b) names of a pair in its oriented order: a is the side whose latents the table lists.</summary>
    public static (string A, string B) PairNames(IndexedPair pair, IReadOnlyList<string> names) =>
        pair.Result.Swapped ? (names[pair.Second], names[pair.First]) : (names[pair.First], names[pair.Second]);

    /// <summary>{a}__{b}.matches.csv.</summary>
    public static string MatchesFile(IndexedPair pair, IReadOnlyList<string> names)
    {
        var (a, b) = PairNames(pair, names);
        return $"{a}__{b}.matches.csv";
    }

    /// <summary>Writes every file into <paramref name="outDir"/> (created if needed).</summary>
    public static void Write(string outDir, CompareInputs inputs, MatchingOptions options, IReadOnlyList<IndexedPair> pairs,
        ConsensusResult consensus, IReadOnlyList<RecoveryResult>? recoveries, string? groundTruthPath)
    {
        Directory.CreateDirectory(outDir);
        foreach (var pair in pairs)
            AtomicFile.Write(Path.Combine(outDir, MatchesFile(pair, inputs.Names)), stream => MatchesCsv.Write(stream, pair.Result));
        var summary = new JsonObject
        {
            ["threshold"] = options.Threshold,
            ["d"] = inputs.Dimension,
            ["saes"] = new JsonArray(inputs.Saes.Select((s, i) => (JsonNode)new JsonObject
            {
                ["name"] = inputs.Names[i],
                ["path"] = Path.GetFullPath(s.Path),
                ["layout"] = s.Layout == SaeFileLayout.Sparsify ? "sparsify" : "saelens",
                ["n_latents"] = s.Parameters.Latents,
            }).ToArray()),
            ["pairs"] = new JsonArray(pairs.Select(p => (JsonNode)PairJson(p, inputs.Names)).ToArray()),
            ["consensus"] = ComparisonJson.Consensus(consensus, inputs.Names),
            ["ground_truth"] = recoveries is null ? null : GroundTruthJson(recoveries, inputs.Names, groundTruthPath!),
        };
        AtomicFile.WriteText(Path.Combine(outDir, SummaryFile), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static JsonObject PairJson(IndexedPair pair, IReadOnlyList<string> names)
    {
        var (a, b) = PairNames(pair, names);
        var json = new JsonObject { ["a"] = a, ["b"] = b, ["matches"] = MatchesFile(pair, names) };
        foreach (var (key, value) in ComparisonJson.Pair(pair.Result.Summary).ToArray())
            json[key] = value?.DeepClone();
        return json;
    }

    private static JsonObject GroundTruthJson(IReadOnlyList<RecoveryResult> recoveries, IReadOnlyList<string> names, string path)
    {
        var saes = new JsonArray();
        for (int s = 0; s < recoveries.Count; s++)
        {
            var json = new JsonObject { ["name"] = names[s] };
            foreach (var (key, value) in ComparisonJson.Recovery(recoveries[s]).ToArray())
                json[key] = value?.DeepClone();
            saes.Add(json);
        }
        return new JsonObject { ["path"] = Path.GetFullPath(path), ["saes"] = saes };
    }
}
