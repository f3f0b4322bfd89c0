namespace Sae.Cluster;

/// <summary>
/// The report's fixed colours. Eight clearly distinct hues (Tableau 10 without its yellow and grey,
/// which are hard to see on white); past eight series the hues repeat with a dash pattern.
/// A cell keeps the same style in every chart so the reader can follow it across figures.
/// </summary>
internal static class ReportPalette
{
    private static readonly string[] Colours = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f", "#ff9da7"];
    private static readonly string?[] Dashes = [null, "7 3", "2 3", "9 3 2 3"];

    /// <summary>Decoder-side series (cosine histograms).</summary>
    public const string Decoder = "#4e79a7";

    /// <summary>Encoder-side series.</summary>
    public const string Encoder = "#f28e2b";

    /// <summary>Shared latents (recovery).</summary>
    public const string Shared = "#59a14f";

    /// <summary>Orphan latents (recovery).</summary>
    public const string Orphan = "#e15759";

    /// <summary>MMCS (recovery).</summary>
    public const string Mmcs = "#4e79a7";

    /// <summary>Reference lines (threshold, true features).</summary>
    public const string Marker = "#555555";

    /// <summary>The style of series number <paramref name="index"/>.</summary>
    public static SeriesStyle Series(int index) =>
        new(Colours[index % Colours.Length], Dashes[index / Colours.Length % Dashes.Length]);

    /// <summary>One style per cell: the cells in <see cref="SweepResults.Cells"/> order, then any cell only runs name.</summary>
    public static IReadOnlyDictionary<string, SeriesStyle> ByCell(SweepResults r)
    {
        var styles = new Dictionary<string, SeriesStyle>(StringComparer.Ordinal);
        foreach (string cell in r.Cells.Select(c => c.Cell).Concat(r.Runs.Select(x => x.Cell)))
            styles.TryAdd(cell, Series(styles.Count));
        return styles;
    }
}
