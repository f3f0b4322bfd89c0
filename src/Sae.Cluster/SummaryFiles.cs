using System.Text.Encodings.Web;
using System.Text.Json;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// Writes a sweep's result files into one directory: summary.json (everything, snake_case, NaN as
/// null), runs.csv, comparisons.csv, cells.csv and report.html. Each file is written atomically, so a
/// reader (or a report regenerated while someone has it open) sees the old file or the new one,
/// never half of one.
/// </summary>
public static class SummaryFiles
{
    /// <summary>The file names written, in order.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["summary.json", "runs.csv", "comparisons.csv", "cells.csv", "report.html"];

    /// <summary>Writes the five files into <paramref name="directory"/> (created if missing), replacing older ones.</summary>
    /// <param name="results">The sweep's results.</param>
    /// <param name="directory">Where to write.</param>
    /// <returns>The full paths written, in the order of <see cref="FileNames"/>.</returns>
    public static IReadOnlyList<string> Write(SweepResults results, string directory)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string dir = Path.GetFullPath(directory);
        Directory.CreateDirectory(dir);
        var paths = FileNames.Select(n => Path.Combine(dir, n)).ToList();
        AtomicFile.Write(paths[0], stream => WriteJson(stream, results));
        AtomicFile.WriteText(paths[1], SummaryCsv.Runs(results));
        AtomicFile.WriteText(paths[2], SummaryCsv.Comparisons(results));
        AtomicFile.WriteText(paths[3], SummaryCsv.Cells(results));
        AtomicFile.WriteText(paths[4], ReportHtml.Render(results));
        return paths;
    }

    private static void WriteJson(Stream stream, SweepResults results)
    {
        // relaxed escaping keeps "ReLU+L1", "λ" and "→" readable; the file is data, never embedded in HTML
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        JsonSerializer.Serialize(writer, results, SweepResultsJson.Default.SweepResults);
    }
}
