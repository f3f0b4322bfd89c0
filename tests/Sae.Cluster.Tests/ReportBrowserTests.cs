using Sae.Cluster;
using Xunit.Sdk;

namespace Sae.Cluster.Tests;

public class ReportBrowserTests
{
    [Fact]
    public async Task CheckAsync_SampleReport_DrawsEveryChartAndTableWithoutErrors()
    {
        // the report stays in the artifacts folder next to its screenshot, for people to open
        var paths = SummaryFiles.Write(SampleResults.Build(), TestArtifacts.PathFor("sample-report"));
        string png = TestArtifacts.PathFor("sample-report.png");
        File.Delete(png);
        await ReportBrowser.CheckAsync(paths[^1], png);
        Assert.True(new FileInfo(png).Length > 10_000, "the screenshot is missing or blank");
    }

    [Fact]
    public async Task CheckAsync_RealActivationsReport_HasNoRecoveryFigure()
    {
        var sample = SampleResults.Build();
        var real = sample with
        {
            Name = "Sample sweep on real activations",
            GroundTruthFeatures = null,
            Cells = sample.Cells.Select(c => c with { Recovery = null }).ToList(),
        };
        var paths = SummaryFiles.Write(real, TestArtifacts.PathFor("sample-report-real"));
        await ReportBrowser.CheckAsync(paths[^1], TestArtifacts.PathFor("sample-report-real.png"), expectRecovery: false);
    }

    [Fact]
    public async Task CheckAsync_PageWithScriptErrorAndExternalImage_Fails()
    {
        // the checker itself must be able to fail: a thrown script error and a request leaving the file
        using var dir = new TempDir();
        string html = ReportHtml.Render(SampleResults.Build())
            .Replace("</body>", "<img src=\"https://example.invalid/x.png\"><script>undefinedFunction();</script></body>", StringComparison.Ordinal);
        File.WriteAllText(dir.File("broken.html"), html);
        var e = await Assert.ThrowsAsync<TrueException>(() => ReportBrowser.CheckAsync(dir.File("broken.html"), dir.File("broken.png")));
        Assert.Contains("page error", e.Message, StringComparison.Ordinal);
        Assert.Contains("request for https://example.invalid/x.png", e.Message, StringComparison.Ordinal);
    }
}
