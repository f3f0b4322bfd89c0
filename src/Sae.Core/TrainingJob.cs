using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sae.Core;

/// <summary>
/// Runs a training job to the end: checks OUT against an earlier run, restores the latest complete
/// checkpoint when resuming (else initialises and writes the step-0 checkpoint), runs the steps,
/// records metrics, writes checkpoints every <see cref="TrainingJobSpec.SaveEvery"/> steps and the
/// final SAEs. Killed at any point and resumed, it ends with the same bits as an uninterrupted run.
/// </summary>
public sealed class TrainingJob
{
    private readonly TrainingJobSpec _spec;
    private readonly IActivationSource _data;
    private readonly RunLayout _layout;
    private readonly Trainer _trainer;
    private readonly TrainingMetrics _metrics;

    /// <summary>Prepares the job (nothing is written until <see cref="Run"/>).</summary>
    public TrainingJob(TrainingJobSpec spec, IActivationSource data)
    {
        _spec = spec;
        _data = data;
        _layout = new RunLayout(spec.OutDirectory);
        _trainer = new Trainer(spec.Sae, spec.Train, spec.Seeds, data);
        _metrics = new TrainingMetrics(spec, _layout);
    }

    /// <summary>The files of this run.</summary>
    public RunLayout Layout => _layout;

    /// <summary>
    /// Runs (or resumes) the job; returns each seed's final metrics. <paramref name="checkpointSaved"/> is called with the
    /// step after every complete checkpoint past step 0 (the sweep runtime copies it to the blob store then).
    /// </summary>
    public IReadOnlyList<SeedMetrics> Run(bool resume, IProgress<TrainingProgress>? progress = null, Action<long>? checkpointSaved = null,
        CancellationToken cancel = default)
    {
        long start = Prepare(resume);
        var clock = Stopwatch.StartNew();
        Report(progress, start, clock);
        while (!_trainer.Finished)
        {
            cancel.ThrowIfCancellationRequested();
            _trainer.RunStep();
            if (_trainer.Step % _spec.EffectiveMetricsEvery == 0 || _trainer.Finished)
                _metrics.Record(_trainer, clock.Elapsed.TotalSeconds, (_trainer.Step - start) * _spec.Train.BatchSize);
            if (_spec.SaveEvery > 0 && (_trainer.Step % _spec.SaveEvery == 0 || _trainer.Finished))
            {
                SaveCheckpoint();
                checkpointSaved?.Invoke(_trainer.Step);
            }
            Report(progress, start, clock);
        }
        WriteFinal();
        return Enumerable.Range(0, _spec.Seeds.Count).Select(i => _trainer.Metrics(i)).ToArray();
    }

    private long Prepare(bool resume)
    {
        var identity = _spec.Identity(_data);
        if (File.Exists(_layout.JobFile))
        {
            if (!resume)
                throw new SaeInputException($"{_layout.Root} already holds a training run (train.json); pass --resume to continue it, or choose another --out.");
            CheckSameJob(identity);
        }
        else
        {
            Directory.CreateDirectory(_layout.Root);
            AtomicFile.WriteText(_layout.JobFile, identity.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        long? latest = resume ? _layout.LatestCompleteCheckpoint(_spec.Seeds) : null;
        if (latest is { } step)
        {
            TrainerCheckpoint.Restore(_trainer, _layout, step);
            _metrics.Reload(step);
            return step;
        }
        _trainer.Initialize();
        if (_spec.SaveEvery > 0)
            SaveCheckpoint();
        return 0;
    }

    private void CheckSameJob(JsonObject identity)
    {
        JsonObject? stored;
        try
        {
            stored = JsonNode.Parse(File.ReadAllText(_layout.JobFile)) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new SaeInputException($"{_layout.JobFile}: not valid JSON ({e.Message.Split('\n')[0]}).", e);
        }
        foreach (var (key, value) in identity)
        {
            var old = stored?[key];
            if (!JsonNode.DeepEquals(old, value))
                throw new SaeInputException($"--resume: {_layout.Root} was trained with {key} = {old?.ToJsonString() ?? "null"}, now {value?.ToJsonString() ?? "null"}; use the same settings or another --out.");
        }
    }

    private void SaveCheckpoint()
    {
        TrainerCheckpoint.Save(_trainer, _layout, _spec.Format);
        _metrics.Write(_trainer, final: false);
    }

    private void WriteFinal()
    {
        for (int i = 0; i < _spec.Seeds.Count; i++)
            SaeFiles.Save(_layout.SeedDirectory(_spec.Seeds[i]), _spec.Sae, _trainer.Parameters(i), _spec.Format);
        _metrics.Write(_trainer, final: true);
    }

    private void Report(IProgress<TrainingProgress>? progress, long start, Stopwatch clock)
    {
        if (progress is null)
            return;
        double seconds = clock.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? (_trainer.Step - start) * (double)_spec.Train.BatchSize / seconds : 0;
        var seeds = Enumerable.Range(0, _spec.Seeds.Count).Select(i => _trainer.Metrics(i)).ToArray();
        progress.Report(new TrainingProgress(_trainer.Step, _spec.Train.Steps, _trainer.Tokens, _spec.Train.Steps * _spec.Train.BatchSize,
            rate, seeds, start > 0, start));
    }
}
