using System.Globalization;
using System.Text.RegularExpressions;

namespace Sae.Core;

/// <summary>Parses sizes such as "8GiB", "512 MiB", "1.5GB" or "1000000" (bytes): KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024.</summary>
internal static partial class ByteSize
{
    /// <summary>The number of bytes <paramref name="text"/> names; a SaeInputException naming <paramref name="option"/> otherwise.</summary>
    public static long Parse(string text, string option)
    {
        var m = SizePattern().Match(text);
        if (!m.Success || !double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            throw Invalid(text, option);
        double scale = m.Groups["unit"].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "KIB" => 1L << 10,
            "MIB" => 1L << 20,
            "GIB" => 1L << 30,
            "TIB" => 1L << 40,
            _ => throw Invalid(text, option),
        };
        double bytes = Math.Floor(value * scale);
        if (!(bytes >= 1 && bytes < long.MaxValue))
            throw new SaeInputException($"{option} must be at least 1 byte and less than 8 EiB (got '{text}').");
        return (long)bytes;
    }

    private static SaeInputException Invalid(string text, string option) =>
        new($"{option} must be a size like 8GiB, 512MiB, 2GB or a number of bytes (got '{text}').");

    [GeneratedRegex(@"^\s*(?<value>\d+(\.\d+)?)\s*(?<unit>[A-Za-z]*)\s*$")]
    private static partial Regex SizePattern();
}
