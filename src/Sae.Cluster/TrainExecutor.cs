using System.Text.Json.Nodes;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// Trains the claimed runs of one job in a local scratch directory with <see cref="TrainingJob"/>: restores their
/// latest checkpoint stored for all of them (so a run interrupted anywhere resumes where it was saved, on any
/// worker), copies each new checkpoint to the store (state file last: its presence marks a complete checkpoint)
/// and records it in the runs' state, and finally stores each SAE under runs/{run}/final/.
/// </summary>
internal sealed class TrainExecutor(EntityStore entities, DatasetStore datasets, string workDirectory, int threads)
{
    private const int CheckpointsKept = 2;

    private IBlobStore Blobs => entities.Blobs;

    /// <summary>Trains; returns each run's final metrics as stored in its state. <paramref name="stored"/> hears of every checkpoint stored.</summary>
    public IReadOnlyList<JsonObject> Train(SweepPlan plan, PlannedJob job, IReadOnlyList<PlannedRun> runs, string owner,
        Action<long> resumed, IProgress<TrainingProgress> progress, Action<long> stored, CancellationToken cancel)
    {
        string sweep = plan.SweepId;
        string scratch = Path.Combine(workDirectory, owner, job.JobId);
        if (Directory.Exists(scratch))
            Directory.Delete(scratch, recursive: true);
        var layout = new RunLayout(scratch);
        long start = RestoreAsync(sweep, runs, layout, cancel).GetAwaiter().GetResult();
        resumed(start);
        var lease = TimeSpan.FromSeconds(plan.Document.LeaseSeconds);
        using var data = datasets.OpenAsync(plan.Document.Dataset, Path.Combine(workDirectory, "cache"), cancel).GetAwaiter().GetResult();
        var spec = new TrainingJobSpec(job.Cell.Sae(), job.Cell.Train(threads), runs.Select(r => r.Seed).ToArray(), scratch,
            plan.Document.CheckpointEvery, plan.Document.Layout);
        var metrics = new TrainingJob(spec, data).Run(resume: true, progress,
            step =>
            {
                StoreCheckpointAsync(sweep, runs, layout, step, owner, lease, cancel).GetAwaiter().GetResult();
                stored(step);
            }, cancel);
        for (int i = 0; i < runs.Count; i++)
            StoreFinalAsync(sweep, runs[i], layout, cancel).GetAwaiter().GetResult();
        Directory.Delete(scratch, recursive: true);
        return metrics.Select(m => new JsonObject
        {
            ["fvu"] = m.Loss.Fvu,
            ["mse"] = m.Loss.Mse,
            ["l0"] = m.Loss.L0,
            ["dead_fraction"] = m.DeadFraction,
            ["tokens"] = m.Tokens,
        }).ToArray();
    }

    // the largest step with a complete checkpoint (state file present) for every run, downloaded into the scratch layout
    private async Task<long> RestoreAsync(string sweep, IReadOnlyList<PlannedRun> runs, RunLayout layout, CancellationToken cancel)
    {
        HashSet<long>? common = null;
        foreach (var run in runs)
        {
            var names = await Blobs.ListAsync(StoreLayout.Checkpoints(sweep, run.RunId) + "/", cancel).ConfigureAwait(false);
            var complete = names.Where(n => n.EndsWith("/" + RunLayout.StateFileName, StringComparison.Ordinal))
                .Select(StoreLayout.CheckpointStep).OfType<long>().ToHashSet();
            common = common is null ? complete : common.Intersect(complete).ToHashSet();
        }
        if (common is null || common.Count == 0)
            return 0;
        long step = common.Max();
        foreach (var run in runs)
        {
            string prefix = StoreLayout.Checkpoint(sweep, run.RunId, step) + "/";
            string local = layout.Checkpoint(run.Seed, step);
            foreach (string name in await Blobs.ListAsync(prefix, cancel).ConfigureAwait(false))
            {
                string relative = name[prefix.Length..];
                // the metrics history travels with the checkpoint and goes back beside the seed's SAE
                string target = relative == "metrics.json" ? layout.MetricsFile(run.Seed) : Path.Combine(local, relative);
                await Blobs.DownloadFileAsync(name, target, cancel).ConfigureAwait(false);
            }
        }
        return step;
    }

    private async Task StoreCheckpointAsync(string sweep, IReadOnlyList<PlannedRun> runs, RunLayout layout, long step, string owner, TimeSpan lease,
        CancellationToken cancel)
    {
        const string stateName = RunLayout.StateFileName;
        foreach (var run in runs)
        {
            string local = layout.Checkpoint(run.Seed, step), remote = StoreLayout.Checkpoint(sweep, run.RunId, step);
            foreach (string file in Directory.EnumerateFiles(local).Where(f => Path.GetFileName(f) != stateName).Order(StringComparer.Ordinal))
                await Blobs.UploadFileAsync($"{remote}/{Path.GetFileName(file)}", file, cancel).ConfigureAwait(false);
            await Blobs.UploadFileAsync($"{remote}/metrics.json", layout.MetricsFile(run.Seed), cancel).ConfigureAwait(false);
            await Blobs.UploadFileAsync($"{remote}/{stateName}", RunLayout.StateFile(local), cancel).ConfigureAwait(false);
        }
        foreach (var run in runs)
        {
            var state = await entities.UpdateAsync(StoreLayout.RunState(sweep, run.RunId), s => Lifecycle.Checkpoint(s, owner, step, entities.Now, lease), cancel)
                .ConfigureAwait(false);
            if (state is null)
                throw new ClaimLostException($"run {run.RunId}: the claim was lost to another worker.");
            await PruneAsync(sweep, run, layout, step, cancel).ConfigureAwait(false);
        }
    }

    // keeps the newest checkpoints only (stored and local): a resume needs the latest complete one
    private async Task PruneAsync(string sweep, PlannedRun run, RunLayout layout, long step, CancellationToken cancel)
    {
        var names = await Blobs.ListAsync(StoreLayout.Checkpoints(sweep, run.RunId) + "/", cancel).ConfigureAwait(false);
        var old = names.Select(n => (Name: n, Step: StoreLayout.CheckpointStep(n))).Where(n => n.Step is { } s && s < step).ToList();
        var keep = old.Select(n => n.Step!.Value).Distinct().OrderDescending().Take(CheckpointsKept - 1).ToHashSet();
        foreach (var (name, s) in old.Where(n => !keep.Contains(n.Step!.Value)))
            await Blobs.DeleteAsync(name, cancel).ConfigureAwait(false);
        string localRoot = Path.GetDirectoryName(layout.Checkpoint(run.Seed, step))!;
        foreach (string dir in Directory.GetDirectories(localRoot).Where(d => string.CompareOrdinal(Path.GetFileName(d), Path.GetFileName(layout.Checkpoint(run.Seed, step))) < 0))
            Directory.Delete(dir, recursive: true);
    }

    private async Task StoreFinalAsync(string sweep, PlannedRun run, RunLayout layout, CancellationToken cancel)
    {
        foreach (string file in Directory.EnumerateFiles(layout.SeedDirectory(run.Seed)).Order(StringComparer.Ordinal))
            await Blobs.UploadFileAsync($"{StoreLayout.Final(sweep, run.RunId)}/{Path.GetFileName(file)}", file, cancel).ConfigureAwait(false);
    }
}
