using System.Globalization;
using System.Text;

namespace Sae.Cluster;

/// <summary>
/// A CSV text built row by row, RFC 4180 style: CRLF line ends, a field quoted when it holds a comma,
/// a quote, CR or LF (quotes doubled inside), numbers in the invariant culture with round-trip
/// precision, and an empty field for null or a non-finite number (so spreadsheets and pandas read a
/// missing value, not the text "NaN").
/// </summary>
internal sealed class CsvTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly StringBuilder _text = new();
    private readonly int _columns;

    /// <summary>A table with the given header row.</summary>
    public CsvTable(params string[] header)
    {
        _columns = header.Length;
        Row(header);
    }

    /// <summary>Appends one row; the number of fields must match the header.</summary>
    public CsvTable Row(params object?[] fields)
    {
        if (fields.Length != _columns)
            throw new ArgumentException($"a row has {fields.Length} fields but the header has {_columns}", nameof(fields));
        _text.AppendJoin(',', fields.Select(Field)).Append("\r\n");
        return this;
    }

    /// <summary>The CSV text.</summary>
    public override string ToString() => _text.ToString();

    /// <summary>One field as it appears in the file.</summary>
    internal static string Field(object? value) => value switch
    {
        null => "",
        string s => s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s,
        double d => double.IsFinite(d) ? d.ToString("R", Inv) : "",
        float f => float.IsFinite(f) ? f.ToString("R", Inv) : "",
        IFormattable f => f.ToString(null, Inv),
        _ => Field(value.ToString()),
    };
}
