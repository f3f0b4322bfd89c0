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
}
