using System.Text.Json.Serialization;

namespace Sae.Matching;

/// <summary>Source-generated serialisation of <see cref="PairSummary"/> (no reflection).</summary>
[JsonSerializable(typeof(PairSummary))]
internal sealed partial class ComparisonJsonContext : JsonSerializerContext;
