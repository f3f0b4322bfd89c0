using System.CommandLine;
using Sae.Cluster;

namespace Sae.Cli.Commands;

/// <summary>
/// <c>sae demo</c>: the main job in one command — a real seed sweep (examples/demo.yaml, built in) on synthetic
/// activations with known features: TopK and ReLU+L1 at widths below, at and above the number of true features,
/// four seeds each, every pair of seeds compared, and the HTML report. <c>sae demo --full</c> runs
/// examples/architectures.yaml instead: every architecture side by side on the same data.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Store directory for the demo (run it again to resume or just re-print).", DefaultValueFactory = _ => "demo" };
        var workers = new Option<int?>("--workers") { Description = "In-process workers (default: the demo spec's 2, one thread each)." };
        var full = new Option<bool>("--full")
        {
            Description = "Compare every architecture instead (examples/architectures.yaml: topk, batchtopk, matryoshka, abstopk, relu, gated and jumprelu "
                + "at 256 latents, 4 seeds each, on the same data): seed stability and ground-truth recovery in one report. A few minutes on 2 cores.",
        };
        var command = new Command("demo",
            "Run the built-in seed sweep on synthetic data with 256 known features: TopK and ReLU+L1 SAEs with 128, 256 and 512 latents, "
            + "4 seeds each; compares every pair of seeds and writes OUT/sweeps/<id>/report/report.html. Takes about 2-3 minutes on 2 cores.");
        command.Options.Add(output);
        command.Options.Add(workers);
        command.Options.Add(full);
        command.SetAction(r =>
        {
            var spec = r.GetValue(full) ? BuiltIn("architectures.yaml") : DemoSpec();
            if (r.GetValue(workers) is int w)
                spec = spec with { Resources = spec.Resources with { Workers = w, ThreadsPerWorker = Math.Max(1, Environment.ProcessorCount / w) } };
            return SweepCommand.Run(spec, r.GetValue(output)!);
        });
        return command;
    }

    /// <summary>The built-in demo sweep (examples/demo.yaml, embedded in the binary).</summary>
    internal static SweepSpec DemoSpec() => BuiltIn("demo.yaml");

    /// <summary>A sweep file of examples/ embedded in the binary under <paramref name="name"/>.</summary>
    internal static SweepSpec BuiltIn(string name)
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not embedded in the sae binary.");
        using var reader = new StreamReader(stream);
        return SweepSpecReader.Parse(reader.ReadToEnd(), $"{name} (built in)", Environment.CurrentDirectory);
    }
}
