using System.Globalization;
using System.Net;

namespace Sae.Cluster;

/// <summary>
/// Text and numbers as the report writes them: every string HTML-encoded, every number in the
/// invariant culture, and anything missing or not finite (null, NaN, ±∞) as an en dash, so a
/// broken run shows as a gap rather than as "NaN" or as a misleading zero.
/// </summary>
internal static class ReportFormat
{
    /// <summary>What a missing or non-finite value renders as.</summary>
    public const string Missing = "–";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>HTML-encodes <paramref name="text"/> (null → empty).</summary>
    public static string Esc(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary><paramref name="value"/> with <paramref name="format"/>, or <see cref="Missing"/>.</summary>
    public static string Num(double? value, string format = "0.000") =>
        value is double v && double.IsFinite(v) ? v.ToString(format, Inv) : Missing;

    /// <summary>An integer with thousands separators, or <see cref="Missing"/>.</summary>
    public static string Int(long? value) => value is long v ? v.ToString("N0", Inv) : Missing;

    /// <summary>Whether <paramref name="value"/> is present and finite.</summary>
    public static bool Finite(double? value) => value is double v && double.IsFinite(v);

    /// <summary>
    /// A CSS class suffix for a status or verdict word ("Completed" → "completed", "not tested" → "not-tested");
    /// only letters survive, so a stored string can never break out of the attribute.
    /// </summary>
    public static string Slug(string? word) =>
        new string((word ?? "").ToLowerInvariant().Select(c => c is >= 'a' and <= 'z' ? c : '-').ToArray()).Trim('-');

    /// <summary>A &lt;figure&gt; with its id, the chart markup and a caption (the caption is trusted HTML written by this report).</summary>
    public static string Figure(string id, string title, string body, string captionHtml) =>
        $"<figure id=\"{id}\">\n<h3>{Esc(title)}</h3>\n{body}\n<figcaption>{captionHtml}</figcaption>\n</figure>\n";

    /// <summary>Smallest 1, 2 or 5 × 10^k at or above <paramref name="max"/> (1 for an empty or non-positive range), for axis ends.</summary>
    public static double NiceCeiling(double max)
    {
        if (!(max > 0) || !double.IsFinite(max))
            return 1;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (double m in (ReadOnlySpan<double>)[1, 2, 5, 10])
        {
            if (m * mag >= max * (1 - 1e-12))
                return m * mag;
        }
        return 10 * mag;
    }
}
