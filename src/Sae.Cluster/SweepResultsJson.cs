using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sae.Cluster;

/// <summary>
/// Source-generated JSON for <see cref="SweepResults"/> (summary.json): snake_case keys, indented,
/// and every non-finite double written as null, because JSON has no NaN or infinity and a reader
/// should see "no value" rather than fail to parse.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    Converters = [typeof(NonFiniteAsNullConverter)])]
[JsonSerializable(typeof(SweepResults))]
internal sealed partial class SweepResultsJson : JsonSerializerContext;

/// <summary>
/// Writes NaN and ±∞ as null and reads null back as NaN. Nullable doubles go through it too (the
/// serializer wraps it), so a NaN in a <c>double?</c> is written as null and reads back as null.
/// </summary>
internal sealed class NonFiniteAsNullConverter : JsonConverter<double>
{
    /// <inheritdoc/>
    public override bool HandleNull => true;

    /// <inheritdoc/>
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (double.IsFinite(value))
            writer.WriteNumberValue(value);
        else
            writer.WriteNullValue();
    }
}
