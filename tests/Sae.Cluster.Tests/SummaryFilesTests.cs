using System.Text.Json;
using Sae.Cluster;

namespace Sae.Cluster.Tests;

public class SummaryFilesTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData("", "")]
    public void Field_String_QuotedOnlyWhenNeeded(string value, string expected) =>
        Assert.Equal(expected, CsvTable.Field(value));

    [Fact]
    public void Field_NumbersAndNulls_InvariantAndEmpty()
    {
        Assert.Equal("", CsvTable.Field(null));
        Assert.Equal("", CsvTable.Field(double.NaN));
        Assert.Equal("", CsvTable.Field(double.PositiveInfinity));
        Assert.Equal("0.1", CsvTable.Field(0.1));
        Assert.Equal("1234567", CsvTable.Field(1234567L));
        Assert.Equal("18446744073709551615", CsvTable.Field(ulong.MaxValue));
        Assert.Equal("0.05", CsvTable.Field((double?)0.05));
    }

    [Fact]
    public void Row_WrongFieldCount_Throws() =>
        Assert.Throws<ArgumentException>(() => new CsvTable("a", "b").Row(1));

    [Fact]
    public void Runs_SampleSweep_HeaderThenOneRowPerRunWithQuotedError()
    {
        var r = SampleResults.Build();
        string csv = SummaryCsv.Runs(r);
        string[] lines = csv.Split("\r\n");
        Assert.Equal("run_id,cell,architecture,latents,k,l1,seed,steps,status,attempts,fvu,mse,l0,dead_fraction,tokens,wall_seconds,error,l0_coefficient", lines[0]);
        Assert.Equal(r.Runs.Count + 2, lines.Length); // header, runs, and the empty string after the last CRLF
        Assert.Contains("\"worker lost: out of memory <alloc 2 GiB> & retry budget \"\"3\"\" spent, giving up\"", csv, StringComparison.Ordinal);
        // a pending run: no k for ReLU, no final metrics, no error, no L0 coefficient (JumpReLU's, last so the others keep their columns)
        Assert.Contains("relu-w512-l0.05-s1000-seed3,relu-w512-l0.05-s1000,relu,512,,0.05,3,1000,Pending,0,,,,,,,,", lines);
    }

    [Fact]
    public void Cells_CellWithoutPairs_HasEmptyStatistics()
    {
        string[] lines = SummaryCsv.Cells(SampleResults.Build()).Split("\r\n");
        string row = Assert.Single(lines, l => l.StartsWith("relu-w512-", StringComparison.Ordinal));
        Assert.StartsWith("relu-w512-l0.05-s1000,relu,512,,0.05,1000,1,0,,,,,", row, StringComparison.Ordinal);
        Assert.Equal(22, row.Split(',').Length);
    }

    [Fact]
    public void Comparisons_SampleSweep_OneRowPerPair()
    {
        var r = SampleResults.Build();
        string[] lines = SummaryCsv.Comparisons(r).TrimEnd().Split("\r\n");
        Assert.Equal(r.Comparisons.Count + 1, lines.Length);
        Assert.All(lines, l => Assert.Equal(9, l.Split(',').Length));
    }

    [Fact]
    public void Write_SampleSweep_WritesFiveFilesAndNoTemporaries()
    {
        using var dir = new TempDir();
        var paths = SummaryFiles.Write(SampleResults.Build(), Path.Combine(dir.Path, "out"));
        Assert.Equal(SummaryFiles.FileNames, paths.Select(Path.GetFileName));
        Assert.All(paths, p => Assert.True(new FileInfo(p).Length > 0, p));
        Assert.Equal(5, Directory.GetFiles(Path.Combine(dir.Path, "out"), "*", SearchOption.AllDirectories).Length);
        Assert.Equal(ReportHtml.Render(SampleResults.Build()), File.ReadAllText(paths[4]));
    }

    [Fact]
    public void SummaryJson_SampleSweep_RoundTripsKeyNumbers()
    {
        using var dir = new TempDir();
        var r = SampleResults.Build();
        string json = File.ReadAllText(SummaryFiles.Write(r, dir.Path)[0]);
        var back = JsonSerializer.Deserialize(json, SweepResultsJson.Default.SweepResults)!;
        Assert.Contains("\"name\": \"Sample sweep: TopK vs ReLU+L1 on synthetic data\"", json, StringComparison.Ordinal); // readable, not \u002B
        Assert.Contains("0.82 → 0.55", json, StringComparison.Ordinal);
        Assert.Equal((r.SweepId, r.Name, r.GroundTruthFeatures, r.Threshold), (back.SweepId, back.Name, back.GroundTruthFeatures, back.Threshold));
        Assert.Equal(r.Runs.Count, back.Runs.Count);
        Assert.Equal(r.Runs[5], back.Runs[5] with { Curve = r.Runs[5].Curve });
        Assert.Equal(r.Runs[5].Curve, back.Runs[5].Curve);
        Assert.Equal(r.Comparisons, back.Comparisons);
        for (int i = 0; i < r.Cells.Count; i++)
        {
            Assert.Equal(r.Cells[i].MeanShared, back.Cells[i].MeanShared);
            Assert.Equal(r.Cells[i].Recovery, back.Cells[i].Recovery);
            Assert.Equal(r.Cells[i].ThresholdCurve, back.Cells[i].ThresholdCurve);
            Assert.Equal(r.Cells[i].AppearsIn, back.Cells[i].AppearsIn);
        }
        Assert.Equal(r.Trends, back.Trends);
    }

    [Fact]
    public void SummaryJson_SnakeCaseKeysAndNonFiniteAsNull()
    {
        var sample = SampleResults.Build();
        var r = sample with
        {
            Runs = [sample.Runs[0] with { Final = new RunMetrics(double.NaN, 0.5, double.PositiveInfinity, 0, 1, 2) }],
            Cells = [sample.Cells[0] with { MeanShared = double.NaN }],
        };
        string json = JsonSerializer.Serialize(r, SweepResultsJson.Default.SweepResults);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("sw-3f9a1c07", root.GetProperty("sweep_id").GetString());
        Assert.Equal(256, root.GetProperty("ground_truth_features").GetInt32());
        var final = root.GetProperty("runs")[0].GetProperty("final");
        Assert.Equal(JsonValueKind.Null, final.GetProperty("fvu").ValueKind);
        Assert.Equal(JsonValueKind.Null, final.GetProperty("l0").ValueKind);
        Assert.Equal(0.5, final.GetProperty("mse").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cells")[0].GetProperty("mean_shared").ValueKind);
        Assert.Equal(20, root.GetProperty("cells")[0].GetProperty("dec_cos_histogram").GetArrayLength());
        Assert.True(double.IsNaN(JsonSerializer.Deserialize(json, SweepResultsJson.Default.SweepResults)!.Runs[0].Final!.Fvu));
    }
}
