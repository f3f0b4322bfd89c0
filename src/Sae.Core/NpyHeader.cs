using System.Globalization;

namespace Sae.Core;

/// <summary>
/// Parses the header dictionary of a .npy file, a Python literal such as
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (1000, 768), }</c>: keys and string
/// values in single or double quotes, True/False, and tuples of integers. Nothing else is accepted.
/// </summary>
internal ref struct NpyHeader
{
    private readonly string path;
    private readonly ReadOnlySpan<char> text;
    private int pos;

    private NpyHeader(string path, ReadOnlySpan<char> text)
    {
        this.path = path;
        this.text = text;
    }

    /// <summary>The descr, fortran_order and shape entries of <paramref name="text"/>.</summary>
    /// <exception cref="SaeInputException">The header is malformed or lacks one of the three keys.</exception>
    public static (string Descr, bool FortranOrder, long[] Shape) Parse(string path, string text)
    {
        var values = new NpyHeader(path, text).Dictionary();
        if (!values.TryGetValue("descr", out var descr) || descr is not string d)
            throw new SaeInputException($"{path}: .npy header has no 'descr' string: {Shorten(text)}");
        if (!values.TryGetValue("fortran_order", out var fortran) || fortran is not bool f)
            throw new SaeInputException($"{path}: .npy header has no 'fortran_order' True/False: {Shorten(text)}");
        if (!values.TryGetValue("shape", out var shape) || shape is not long[] s)
            throw new SaeInputException($"{path}: .npy header has no 'shape' tuple: {Shorten(text)}");
        return (d, f, s);
    }

    private Dictionary<string, object> Dictionary()
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        Expect('{');
        while (Peek() != '}')
        {
            string key = String();
            Expect(':');
            values[key] = Value();
            if (Peek() != ',')
                break;
            pos++;
        }
        Expect('}');
        return values;
    }

    private object Value()
    {
        char c = Peek();
        if (c is '\'' or '"')
            return String();
        if (c == '(')
            return Tuple();
        if (text[pos..].StartsWith("True", StringComparison.Ordinal))
        {
            pos += 4;
            return true;
        }
        if (text[pos..].StartsWith("False", StringComparison.Ordinal))
        {
            pos += 5;
            return false;
        }
        throw Malformed($"unexpected value at position {pos}");
    }

    private string String()
    {
        char quote = Peek();
        if (quote is not ('\'' or '"'))
            throw Malformed($"expected a quoted string at position {pos}");
        int end = text[(pos + 1)..].IndexOf(quote);
        if (end < 0)
            throw Malformed("unterminated string");
        string s = text.Slice(pos + 1, end).ToString();
        pos += end + 2;
        return s;
    }

    private long[] Tuple()
    {
        Expect('(');
        var dims = new List<long>();
        while (Peek() != ')')
        {
            int start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
                pos++;
            if (!long.TryParse(text[start..pos], NumberStyles.None, CultureInfo.InvariantCulture, out long v))
                throw Malformed($"expected a non-negative integer at position {start}");
            dims.Add(v);
            if (pos < text.Length && text[pos] == 'L')
                pos++; // Python 2 long suffix
            if (Peek() != ',')
                break;
            pos++;
        }
        Expect(')');
        return [.. dims];
    }

    private char Peek()
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            pos++;
        return pos < text.Length ? text[pos] : '\0';
    }

    private void Expect(char c)
    {
        if (Peek() != c)
            throw Malformed($"expected '{c}' at position {pos}");
        pos++;
    }

    private SaeInputException Malformed(string why) =>
        new($"{path}: malformed .npy header ({why}): {Shorten(text.ToString())}");

    private static string Shorten(string s) => (s.Length > 120 ? s[..120] + "…" : s).Trim().ReplaceLineEndings(" ");
}
