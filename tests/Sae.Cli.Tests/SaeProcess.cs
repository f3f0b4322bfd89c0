using System.Diagnostics;

namespace Sae.Cli.Tests;

/// <summary>Runs the built <c>sae</c> executable as a real child process.</summary>
internal static class SaeProcess
{
    /// <summary>Output of one run.</summary>
    internal sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs <c>sae</c> with the given arguments and waits (at most two minutes) for it to exit.</summary>
    public static Result Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs <c>sae</c> with extra environment variables and waits (at most two minutes) for it to exit.</summary>
    public static Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var p = Start(environment, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"sae {string.Join(' ', args)} did not exit within two minutes");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts <c>sae</c> with the given arguments, output redirected (the caller reads or ignores it).</summary>
    public static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts <c>sae</c> with extra environment variables.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // sae.dll is copied next to the test assembly by the project reference
        string dll = Path.Combine(AppContext.BaseDirectory, "sae.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment)
            psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    /// <summary>Waits for <paramref name="condition"/> (checked every 10 ms) or fails after <paramref name="timeout"/>.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            Thread.Sleep(10);
        }
    }
}
