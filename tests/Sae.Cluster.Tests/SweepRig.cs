using System.Collections.Concurrent;
using Sae.Core;
using Sae.Matching;

namespace Sae.Cluster.Tests;

/// <summary>
/// A sweep runtime for tests: a FileBlobStore in a temp directory (optionally behind a fault-injecting wrapper),
/// in-memory queues and the manual clock. Workers are driven one message at a time with RunOnceAsync, never by
/// their polling loop, so every test decides exactly what happens when.
/// </summary>
internal sealed class SweepRig : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FileBlobStore _files;

    public SweepRig()
    {
        _files = new FileBlobStore(Path.Combine(_dir.Path, "store"));
        Faults = new FaultyBlobStore(_files);
        Entities = new EntityStore(Faults, Time);
        Queues = WorkQueues.InMemory(Time);
    }

    public ManualTime Time { get; } = new();

    public FaultyBlobStore Faults { get; }

    public IBlobStore Blobs => Faults;

    public EntityStore Entities { get; }

    public WorkQueues Queues { get; }

    public RecordingObserver Observer { get; } = new();

    public string WorkDirectory => Path.Combine(_dir.Path, "work");

    public void Dispose()
    {
        _files.Dispose();
        _dir.Dispose();
    }

    public Task<SweepPlan> SubmitAsync(string yaml = TinySweep.Yaml) =>
        new SweepSubmitter(Entities).SubmitAsync(TinySweep.Parse(yaml), WorkDirectory, threads: 1);

    public Worker Worker(string name = "w1") =>
        new(Entities, Queues, new WorkerOptions(name, 1, WorkDirectory, WorkerOptions.AllQueues) { RetryBackoff = TimeSpan.Zero }, Observer);

    /// <summary>Handles messages until the queues are empty; fails the test if that takes more than <paramref name="limit"/> messages.</summary>
    public static async Task<int> DrainAsync(Worker worker, int limit = 50)
    {
        for (int handled = 0; handled <= limit; handled++)
        {
            if (!await worker.RunOnceAsync(CancellationToken.None))
                return handled;
        }
        throw new InvalidOperationException($"the queues still had messages after {limit}");
    }

    public Task SendAsync(string kind, string sweep, string id) => Queues.SendAsync(new WorkMessage(kind, sweep, id));

    public async Task<int> QueuedAsync() => await Queues.Train.CountAsync() + await Queues.Compare.CountAsync();

    public async Task<WorkState> RunAsync(SweepPlan plan, string runId) =>
        await Entities.ReadAsync(StoreLayout.RunState(plan.SweepId, runId)) ?? throw new InvalidOperationException($"no state for run {runId}");

    public async Task<WorkState> ComparisonAsync(SweepPlan plan, PlannedComparison c) =>
        await Entities.ReadAsync(StoreLayout.ComparisonState(plan.SweepId, c.ComparisonId)) ?? throw new InvalidOperationException($"no state for {c.ComparisonId}");

    /// <summary>Every blob name with its ETag: equal fingerprints mean nothing in the store changed.</summary>
    public async Task<IReadOnlyList<string>> FingerprintAsync()
    {
        var names = await Blobs.ListAsync("");
        var result = new List<string>();
        foreach (string name in names)
            result.Add($"{name} {(await Blobs.ReadAsync(name))!.ETag}");
        return result;
    }

    /// <summary>Receives and puts back (visible at once) every message of a queue, returning the bodies.</summary>
    public static async Task<IReadOnlyList<WorkMessage>> PeekAllAsync(IWorkQueue queue)
    {
        var seen = new List<QueueMessage>();
        while (await queue.ReceiveAsync(TimeSpan.FromDays(1)) is { } m)
            seen.Add(m);
        foreach (var m in seen)
            await queue.ExtendAsync(m, TimeSpan.Zero);
        return seen.Select(m => WorkMessage.TryParse(m.Body)!).ToArray();
    }
}

/// <summary>Records what workers report, for assertions.</summary>
internal sealed class RecordingObserver : ISweepObserver
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ConcurrentQueue<(string Job, string? Failure)> Jobs { get; } = new();

    public ConcurrentQueue<(string Comparison, string? Failure)> Comparisons { get; } = new();

    public void JobStarted(string worker, PlannedJob job, IReadOnlyList<PlannedRun> runs, long resumedFromStep)
    {
    }

    public void JobProgress(string worker, PlannedJob job, TrainingProgress progress)
    {
    }

    public void JobFinished(string worker, PlannedJob job, string? failure) => Jobs.Enqueue((job.JobId, failure));

    public void ComparisonStarted(string worker, PlannedComparison comparison)
    {
    }

    public void ComparisonFinished(string worker, PlannedComparison comparison, PairSummary? summary, string? failure) =>
        Comparisons.Enqueue((comparison.ComparisonId, failure));

    public void Log(string message) => Lines.Enqueue(message);
}
