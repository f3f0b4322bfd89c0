using System.CommandLine;
using System.Globalization;
using Sae.Cli.Rendering;
using Sae.Core;
using Spectre.Console;

namespace Sae.Cli.Commands;

/// <summary><c>sae train</c>: one SAE per seed on the same batches, with checkpoints, exact resume and metrics.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var options = new TrainOptions();
        var command = new Command("train",
            "Train one SAE per seed on identical batches (each batch read once). Writes OUT/seed{S}/cfg.json + weights "
            + "(sparsify or SAELens layout) and metrics.json; --save-every adds resumable checkpoints (step 0 included), "
            + "and --resume continues a killed run with bit-identical results.");
        foreach (var o in options.All)
            command.Options.Add(o);
        command.SetAction(r => Execute(r, options));
        return command;
    }

    private static int Execute(ParseResult r, TrainOptions options)
    {
        using var data = ActivationSource.Open(r.GetValue(options.Data)!, r.GetValue(options.Tensor));
        var spec = options.ToSpec(r, data);
        var job = new TrainingJob(spec, data);
        using var cancel = new CtrlC();
        try
        {
            Console.Error.WriteLine($"train: {data.Description}; {spec.Sae.Architecture} n={spec.Sae.Latents} d={spec.Sae.Dimension}, "
                + $"{spec.Seeds.Count} seed(s), {spec.Train.Steps:N0} steps of {spec.Train.BatchSize} tokens, lr {spec.Train.ResolveLearningRate(spec.Sae):G3}");
            var final = TrainProgressRenderer.Run(spec.Train.Steps * spec.Train.BatchSize, p => job.Run(r.GetValue(options.Resume), p, cancel: cancel.Token));
            PrintSummary(spec, final, job.Layout);
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"sae: interrupted; run again with --resume to continue from the last checkpoint in {job.Layout.Root}.");
            return 130;
        }
    }

    private static string ShortPath(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private static void PrintSummary(TrainingJobSpec spec, IReadOnlyList<SeedMetrics> final, RunLayout layout)
    {
        var table = new Table().AddColumns("seed", "FVU", "expl. var.", "MSE", "L0", "dead", "tokens");
        foreach (var m in final)
        {
            var inv = CultureInfo.InvariantCulture;
            table.AddRow(m.Seed.ToString(inv), m.Loss.Fvu.ToString("F4", inv), (1 - m.Loss.Fvu).ToString("F4", inv), m.Loss.Mse.ToString("G4", inv),
                m.Loss.L0.ToString("F1", inv), m.DeadFraction.ToString("P1", inv), m.Tokens.ToString("N0", inv));
        }
        AnsiConsole.Write(table);
        string layoutName = spec.Format == SaeFileLayout.Sparsify ? "sparsify layout: cfg.json + sae.safetensors" : "SAELens layout: cfg.json + sae_weights.safetensors";
        Console.WriteLine($"SAEs in {ShortPath(layout.Root)}/seed{{S}}/ ({layoutName}), metrics in metrics.json beside them.");
        Console.WriteLine($"FVU, MSE and L0 are measured on the last batch; dead = not selected in the last min({spec.Sae.DeadTokens:N0}, tokens seen) tokens.");
    }
}
