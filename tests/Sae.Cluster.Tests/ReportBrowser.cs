using Microsoft.Playwright;

namespace Sae.Cluster.Tests;

/// <summary>
/// Opens a rendered sweep report in headless Chromium and checks that a person would see it working:
/// no console errors or page errors, no request for anything but the file itself, every chart drawn
/// with a nonzero size, every table filled; then saves a full-page screenshot to look at.
/// Path-driven so it can check any report.html (the sample one here, a real sweep's elsewhere).
/// Uses the Debian chromium at <see cref="ChromiumPath"/>, never a Playwright-downloaded browser.
/// </summary>
public static class ReportBrowser
{
    /// <summary>The browser the tests drive (Debian package "chromium").</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Figures every report has, whatever its data.</summary>
    public static IReadOnlyList<string> AlwaysPresentFigures { get; } =
        ["chart-shared-vs-width", "chart-threshold-curves", "chart-cosine-histogram", "chart-appears-in", "chart-training-curves"];

    /// <summary>The figure present only when some cell has ground-truth recovery.</summary>
    public const string RecoveryFigure = "chart-recovery";

    /// <summary>Tables that must have at least one real row in a non-empty sweep.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["trends", "runs-table", "comparisons-table", "cells-table"];

    /// <summary>
    /// Checks the report at <paramref name="htmlPath"/> and writes a full-page PNG to <paramref name="screenshotPath"/>.
    /// Fails (throws an xunit assertion) on the first problem; a missing Chromium fails with the command that installs it.
    /// </summary>
    /// <param name="htmlPath">The report.html to open (file://).</param>
    /// <param name="screenshotPath">Where the PNG goes (its folder is created); usually <see cref="TestArtifacts.PathFor"/>.</param>
    /// <param name="expectRecovery">True: the recovery figure must be there; false: it must be absent (real activations, or no complete cell).</param>
    public static async Task CheckAsync(string htmlPath, string screenshotPath, bool expectRecovery = true)
    {
        RequireChromium();
        string full = Path.GetFullPath(htmlPath);
        Assert.True(File.Exists(full), $"no report at {full}");
        string url = new Uri(full).AbsoluteUri;
        // the driver inherits our environment; make sure nothing it runs fetches a browser
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                problems.Add($"console error: {message.Text}");
        };
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.Request += (_, request) =>
        {
            if (request.Url != url)
                problems.Add($"request for {request.Url}");
        };
        await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        // screenshot first, so a page that fails the checks below can still be looked at
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(screenshotPath))!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshotPath, FullPage = true });
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        var figures = expectRecovery ? AlwaysPresentFigures.Append(RecoveryFigure) : AlwaysPresentFigures;
        foreach (string id in figures)
            await CheckFigureAsync(page, id);
        if (!expectRecovery)
            Assert.Equal(0, await page.Locator($"figure#{RecoveryFigure}").CountAsync());
        foreach (string id in Tables)
            Assert.True(await page.Locator($"table#{id} tbody tr:not(.empty)").CountAsync() > 0, $"table #{id} has no rows");
    }

    /// <summary>Fails with a one-line instruction when the browser is not installed (never a silent skip).</summary>
    public static void RequireChromium()
    {
        if (!File.Exists(ChromiumPath))
            Assert.Fail($"Chromium is missing at {ChromiumPath}: run `apt-get install -y chromium` (scripts/test.sh does this)");
    }

    private static async Task CheckFigureAsync(IPage page, string id)
    {
        var svgs = await page.Locator($"figure#{id} svg").AllAsync();
        Assert.True(svgs.Count > 0, $"figure #{id} has no svg");
        foreach (var svg in svgs)
        {
            var box = await svg.BoundingBoxAsync();
            Assert.True(box is { Width: > 0, Height: > 0 }, $"an svg in figure #{id} has no size");
        }
    }
}
