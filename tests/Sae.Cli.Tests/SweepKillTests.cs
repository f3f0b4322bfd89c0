using System.Diagnostics;
using Sae.Cluster;

namespace Sae.Cli.Tests;

/// <summary>
/// The sweep's crash-safety, end to end with real processes: `sae sweep run` is killed with SIGKILL at several
/// points (mid-training after a checkpoint, after a run completed, during comparisons, at a random moment), then
/// run again until it finishes. Nothing completed may be redone, interrupted runs must resume from their stored
/// checkpoint, and every final SAE and comparison must be bit-identical to an uninterrupted sweep.
/// </summary>
public sealed class SweepKillTests
{
    private static readonly string Spec = TestSweeps.Small("killtest", 600);

    [Fact]
    public void SweepRun_KilledRepeatedly_CompletesWithoutRedoingWorkAndBitIdentical()
    {
        using var dir = new TempDir();
        string spec = dir.File("sweep.yaml");
        File.WriteAllText(spec, Spec);
        var reference = SaeProcess.Run("sweep", "run", spec, "--store", dir.File("reference"));
        Assert.True(reference.ExitCode == 0, reference.StdErr);

        string store = dir.File("killed");
        var observed = new List<Dictionary<string, WorkState>>();
        Func<Dictionary<string, WorkState>, bool>[] killWhen =
        [
            s => s.Values.Any(r => r.CheckpointStep > 0),
            s => s.Values.Any(r => r.Status == Lifecycle.Completed),
            s => s.Values.Count(r => r.Status == Lifecycle.Completed) >= 3 && s.Values.Any(r => r.CheckpointStep > 0 && r.Status != Lifecycle.Completed),
            _ => true,
        ];
        var random = new Random(12345);
        int kills = 0;
        foreach (var condition in killWhen)
        {
            using var p = StartQuiet("sweep", "run", spec, "--store", store);
            SaeProcess.WaitUntil(() => p.HasExited || condition(RunStates(store)), TimeSpan.FromMinutes(3), "a kill point");
            if (!p.HasExited)
            {
                Thread.Sleep(random.Next(0, 400)); // lands the kill at a random moment past the condition
                p.Kill(); // SIGKILL on Unix
                p.WaitForExit();
                kills++;
            }
            observed.Add(RunStates(store));
        }
        Assert.True(kills >= 3, $"only {kills} kills landed before the sweep finished");
        var final = SaeProcess.Run("sweep", "run", spec, "--store", store);
        Assert.True(final.ExitCode == 0, final.StdErr);

        var end = RunStates(store);
        Assert.All(end.Values, s => Assert.Equal(Lifecycle.Completed, s.Status));
        AssertNothingRedone(observed, end);
        AssertResumedFromCheckpoints(observed, end);
        AssertSameBits(dir.File("reference"), store);
    }

    // a run seen Completed after a kill was never claimed again
    private static void AssertNothingRedone(List<Dictionary<string, WorkState>> observed, Dictionary<string, WorkState> end)
    {
        foreach (var snapshot in observed)
        {
            foreach (var (run, s) in snapshot.Where(p => p.Value.Status == Lifecycle.Completed))
            {
                Assert.Equal(s.Attempts, end[run].Attempts);
                Assert.Equal(s.CompletedAt, end[run].CompletedAt);
            }
        }
    }

    // every run interrupted after a stored checkpoint restarted at that checkpoint or later, never from scratch
    private static void AssertResumedFromCheckpoints(List<Dictionary<string, WorkState>> observed, Dictionary<string, WorkState> end)
    {
        int resumes = 0;
        foreach (var snapshot in observed)
        {
            foreach (var (run, s) in snapshot.Where(p => p.Value.Status != Lifecycle.Completed && p.Value.CheckpointStep > 0))
            {
                var next = end[run].History.First(a => a.Attempt > s.Attempts);
                Assert.True(next.ResumedFromStep >= s.CheckpointStep,
                    $"{run}: attempt {next.Attempt} resumed from step {next.ResumedFromStep}, but step {s.CheckpointStep} was stored");
                resumes++;
            }
        }
        Assert.True(resumes > 0, "no kill interrupted a run after a checkpoint; the test did not exercise resuming");
    }

    private static void AssertSameBits(string referenceStore, string store)
    {
        string Sweep(string root) => Directory.GetDirectories(Path.Combine(root, "sweeps")).Single();
        string a = Sweep(referenceStore), b = Sweep(store);
        Assert.Equal(Path.GetFileName(a), Path.GetFileName(b));
        var files = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(a, f))
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}final{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.EndsWith("metrics.json", StringComparison.Ordinal)
                || f.EndsWith("result.json", StringComparison.Ordinal) || f.EndsWith("matches.csv", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count >= 9 * 2 + 9 * 2, $"expected the final SAEs and comparison results, found {files.Count} files");
        foreach (string f in files)
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs from the uninterrupted sweep");
    }

    private static Dictionary<string, WorkState> RunStates(string store)
    {
        var states = new Dictionary<string, WorkState>();
        string sweeps = Path.Combine(store, "sweeps");
        if (!Directory.Exists(sweeps))
            return states;
        foreach (string file in Directory.EnumerateFiles(sweeps, "state.json", SearchOption.AllDirectories).Where(f => f.Contains("runs", StringComparison.Ordinal)))
        {
            try
            {
                states[Path.GetFileName(Path.GetDirectoryName(file)!)] = WorkState.Parse(File.ReadAllBytes(file), file);
            }
            catch (IOException)
            {
                // replaced while being read: the next poll sees it
            }
        }
        return states;
    }

    // output is drained so the child never blocks on a full pipe
    private static Process StartQuiet(params string[] args)
    {
        var p = SaeProcess.Start(args);
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}
