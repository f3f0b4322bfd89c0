using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sae.Core;

/// <summary>
/// Per-seed metric history (step, tokens, loss, FVU, MSE, L0, dead fraction, gradient norm, tokens/s) kept in
/// OUT/seed{S}/metrics.json; written at checkpoints and at the end, and cut back to the checkpoint's
/// step on resume so the history is the same as an uninterrupted run's.
/// </summary>
internal sealed class TrainingMetrics(TrainingJobSpec spec, RunLayout layout)
{
    private readonly Dictionary<ulong, JsonArray> _history = spec.Seeds.ToDictionary(s => s, _ => new JsonArray());
    private double _wallSeconds;

    /// <summary>Appends every seed's metrics; <paramref name="tokensThisSession"/> over <paramref name="wallSeconds"/> gives tokens/s.</summary>
    public void Record(Trainer trainer, double wallSeconds, long tokensThisSession)
    {
        _wallSeconds = wallSeconds;
        double rate = wallSeconds > 0 ? tokensThisSession / wallSeconds : 0;
        for (int i = 0; i < spec.Seeds.Count; i++)
        {
            var entry = Entry(trainer.Metrics(i));
            entry["tokens_per_second"] = Math.Round(rate, 1);
            _history[spec.Seeds[i]].Add(entry);
        }
    }

    public void Reload(long step)
    {
        foreach (var seed in spec.Seeds)
        {
            string path = layout.MetricsFile(seed);
            if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path))?["history"] is not JsonArray old)
                continue;
            foreach (var entry in old.Where(e => e?["step"]?.GetValue<long>() <= step))
                _history[seed].Add(entry!.DeepClone());
        }
    }

    public void Write(Trainer trainer, bool final)
    {
        for (int i = 0; i < spec.Seeds.Count; i++)
        {
            ulong seed = spec.Seeds[i];
            var doc = new JsonObject
            {
                ["seed"] = seed,
                ["complete"] = final,
                ["step"] = trainer.Step,
                ["tokens"] = trainer.Tokens,
                ["lr"] = trainer.LearningRate,
                ["final"] = final ? Entry(trainer.Metrics(i)) : null,
                ["wall_seconds_this_session"] = Math.Round(_wallSeconds, 3),
                ["history"] = _history[seed].DeepClone(),
            };
            AtomicFile.WriteText(layout.MetricsFile(seed), doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }

    private static JsonObject Entry(SeedMetrics m) => new()
    {
        ["step"] = m.Step,
        ["tokens"] = m.Tokens,
        ["loss"] = m.Loss.Loss,
        ["fvu"] = m.Loss.Fvu,
        ["explained_variance"] = 1 - m.Loss.Fvu,
        ["mse"] = m.Loss.Mse,
        ["l0"] = m.Loss.L0,
        ["l1"] = m.Loss.L1,
        ["dead_fraction"] = m.DeadFraction,
        ["grad_norm"] = m.GradNorm,
    };
}
