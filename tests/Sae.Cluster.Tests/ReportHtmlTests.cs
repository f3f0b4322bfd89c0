using System.Text.RegularExpressions;
using Sae.Cluster;

namespace Sae.Cluster.Tests;

public class ReportHtmlTests
{
    private static readonly string[] Figures =
        ["chart-shared-vs-width", "chart-threshold-curves", "chart-cosine-histogram", "chart-appears-in", "chart-recovery", "chart-training-curves"];

    private static readonly string[] Tables = ["trends", "runs-table", "comparisons-table", "cells-table"];

    private static SweepResults Empty() => new()
    {
        SweepId = "sw-empty", Name = "empty", Dataset = "real activations", Runs = [], Comparisons = [], Cells = [], Trends = [],
    };

    /// <summary>The text of the figure with id <paramref name="id"/>, from its opening tag to its closing tag.</summary>
    private static string FigureOf(string html, string id)
    {
        int start = html.IndexOf($"<figure id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no figure {id}");
        return html[start..(html.IndexOf("</figure>", start, StringComparison.Ordinal) + 9)];
    }

    [Fact]
    public void Render_SampleSweep_HasEveryFigureTableAndGlossary()
    {
        string html = ReportHtml.Render(SampleResults.Build());
        foreach (string id in Figures)
        {
            string figure = FigureOf(html, id);
            Assert.Contains("<svg", figure, StringComparison.Ordinal);
            Assert.Contains("<figcaption>", figure, StringComparison.Ordinal);
        }
        foreach (string id in Tables)
            Assert.Contains($"<table id=\"{id}\">", html, StringComparison.Ordinal);
        Assert.Contains("What the numbers mean", html, StringComparison.Ordinal);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SampleSweep_LoadsNothingFromAnywhere()
    {
        string html = ReportHtml.Render(SampleResults.Build());
        foreach (string banned in new[] { "http://", "https://", "src=", "<link", "@import", "url(", "<script", "<img" })
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Render_SampleSweep_HasNoNonFiniteNumbers()
    {
        string html = ReportHtml.Render(SampleResults.Build());
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("∞", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SameResults_SameText()
    {
        Assert.Equal(ReportHtml.Render(SampleResults.Build()), ReportHtml.Render(SampleResults.Build()));
    }

    [Fact]
    public void Render_StringsWithMarkup_AreEncoded()
    {
        const string Nasty = "<b>x</b> & \"q\" 'a'";
        var sample = SampleResults.Build();
        var r = sample with
        {
            Name = Nasty,
            Dataset = Nasty,
            Runs = [sample.Runs[0] with { Cell = Nasty, Error = Nasty, Status = Nasty }],
            Cells = [sample.Cells[0] with { Cell = Nasty }],
            Trends = [new TrendCheck(Nasty, "reproduced\" onmouseover=\"x", Nasty)],
        };
        string html = ReportHtml.Render(r);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"q\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onmouseover=\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot; &#39;a&#39;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EmptySweep_RendersEverySectionButRecovery()
    {
        string html = ReportHtml.Render(Empty());
        foreach (string id in Figures.Where(f => f != "chart-recovery"))
            Assert.Contains("<svg", FigureOf(html, id), StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"chart-recovery\"", html, StringComparison.Ordinal);
        Assert.Contains("Ground truth is unknown for real activations", html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"empty\"><td colspan=\"16\">no runs</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NonFiniteMetrics_RenderAsDash()
    {
        var sample = SampleResults.Build();
        var run = sample.Runs[0] with { Final = new RunMetrics(double.NaN, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 7, double.NaN) };
        var cell = sample.Cells[0] with { MeanShared = double.NaN, MinShared = double.NaN, MaxShared = double.NaN, MeanFvu = double.PositiveInfinity };
        string html = ReportHtml.Render(sample with { Runs = [run], Cells = [cell] });
        var row = Regex.Match(html, "<tr><td><code>" + Regex.Escape(run.RunId) + "</code>.*?</tr>").Value;
        // dashes: λ (a TopK run has none), final FVU, L0, dead fraction, wall seconds; tokens (7) survives
        Assert.Equal(5, Regex.Count(row, "<td class=\"num\">–</td>"));
        Assert.Contains("<td class=\"num\">7</td>", row, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RealActivations_ExplainsMissingRecoveryWithoutFigure()
    {
        var sample = SampleResults.Build();
        var r = sample with { GroundTruthFeatures = null, Cells = sample.Cells.Select(c => c with { Recovery = null }).ToList() };
        string html = ReportHtml.Render(r);
        Assert.DoesNotContain("id=\"chart-recovery\"", html, StringComparison.Ordinal);
        Assert.Contains("Ground truth is unknown for real activations", html, StringComparison.Ordinal);
        Assert.DoesNotContain("true features (", FigureOf(html, "chart-shared-vs-width"), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SampleSweep_OneWidthLinePerArchitectureAndTrueFeatureMarker()
    {
        string figure = FigureOf(ReportHtml.Render(SampleResults.Build()), "chart-shared-vs-width");
        // topk has three widths with pairs, relu two: one polyline each, five whiskers, one marker per point
        Assert.Equal(2, Regex.Count(figure, "<polyline"));
        Assert.Equal(5, Regex.Count(figure, "<circle"));
        Assert.Contains("true features (256)", figure, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SingleCellSingleWidth_DrawsThePoint()
    {
        var sample = SampleResults.Build();
        string html = ReportHtml.Render(sample with { Cells = [sample.Cells[0]], GroundTruthFeatures = null });
        string figure = FigureOf(html, "chart-shared-vs-width");
        Assert.Single(Regex.Matches(figure, "<circle"));
        Assert.Contains(">128</text>", figure, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_CurvesSpanningDecades_UseLogAxis()
    {
        var sample = SampleResults.Build();
        Assert.Contains("logarithmic", FigureOf(ReportHtml.Render(sample), "chart-training-curves"), StringComparison.Ordinal);
        var flat = sample with { Runs = sample.Runs.Select(r => r with { Curve = r.Curve.Select(p => p with { Fvu = 0.5 + p.Fvu / 4 }).ToList() }).ToList() };
        Assert.DoesNotContain("logarithmic", FigureOf(ReportHtml.Render(flat), "chart-training-curves"), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TrendVerdicts_AreStyledByVerdict()
    {
        string html = ReportHtml.Render(SampleResults.Build());
        Assert.Contains("class=\"verdict verdict-reproduced\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict verdict-not-reproduced\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"verdict verdict-not-tested\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SampleSweep_ListsEveryRunAndComparison()
    {
        var r = SampleResults.Build();
        string html = ReportHtml.Render(r);
        Assert.Equal(r.Runs.Count, Regex.Count(html, "<tr( class=\"failed\")?><td><code>[^<_]*-seed\\d</code></td><td>"));
        Assert.Equal(r.Comparisons.Count, Regex.Count(html, "<td class=\"wrap\"><code><span class=\"nobr\">[^<]*</span><wbr><span class=\"nobr\">__[^<]*</span></code></td>"));
        Assert.Contains("<tr class=\"failed\">", html, StringComparison.Ordinal);
    }
}
