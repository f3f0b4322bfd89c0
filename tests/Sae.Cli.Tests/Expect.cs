namespace Sae.Cli.Tests;

/// <summary>Assertions shared by the CLI tests.</summary>
internal static class Expect
{
    /// <summary>
    /// A user error: exit code 2, the last stderr line is "sae: error: …" containing
    /// <paramref name="expected"/>, no stack trace; with <paramref name="onlyLine"/> nothing else on stderr.
    /// </summary>
    public static void UserError(SaeProcess.Result r, string expected, bool onlyLine = true)
    {
        Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}, stderr: {r.StdErr}");
        var lines = r.StdErr.Trim().Split('\n');
        if (onlyLine)
            Assert.Single(lines);
        Assert.StartsWith("sae: error: ", lines[^1], StringComparison.Ordinal);
        Assert.Contains(expected, lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.StdErr, StringComparison.Ordinal);
    }
}
