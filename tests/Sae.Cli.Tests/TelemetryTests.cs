using Sae.Cli.Telemetry;
using Sae.Cluster;

namespace Sae.Cli.Tests;

/// <summary>
/// OpenTelemetry end to end: a real `sae sweep run` exporting OTLP/HTTP to a loopback receiver, whose spans must form one
/// tree per sweep (every run's and comparison's spans under the submit span, storage spans inside them, checkpoint events
/// on the training spans) and whose metrics must arrive; and nothing sent when the environment does not ask for it.
/// </summary>
public sealed class TelemetryTests
{
    private const string Spec = """
        name: oteltest
        dataset:
          synthetic: {features: 32, dim: 8, rows: 4096, active: 2, seed: 5}
          shard_rows: 2048
        grid:
          - architecture: topk
            latents: [16]
            k: [2]
        seeds: 3
        training: {batch: 128, steps: 120, lr: 0.004, lr_warmup_steps: 10, checkpoint_every: 40, dead_tokens: 5000}
        resources: {workers: 2, threads_per_worker: 1, seeds_per_job: 2}
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SweepRun_OtlpEndpointSet_ExportsOneConnectedTreePerSweep()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var dir = new TempDir();
        var r = RunSweep(dir, Exporting(receiver));
        Assert.True(r.ExitCode == 0, r.StdErr);
        var (runs, comparisons) = Entities(dir.File("store"));
        Assert.Equal(3, runs.Count);
        Assert.Equal(3, comparisons.Count);

        // the child flushed before it exited; waiting covers only requests still being handled by the receiver
        IReadOnlyList<OtlpSpan> spans = [];
        try
        {
            SaeProcess.WaitUntil(() => Covers(spans = receiver.Spans, runs, comparisons), Patience, "run train and comparison spans for every entity");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; received {receiver.Requests} request(s), spans: "
                + string.Join(", ", spans.GroupBy(s => s.Name).Select(g => $"{g.Key} x{g.Count()}")) + $"\nstderr: {r.StdErr}", e);
        }
        var byId = spans.ToDictionary(s => s.SpanId);
        var submit = Assert.Single(spans, s => s.Name == "sweep submit");
        bool UnderSubmit(OtlpSpan s) => s.TraceId == submit.TraceId && Ancestors(s, byId).Any(a => a.SpanId == submit.SpanId);

        var training = spans.Where(s => s.Name == "run train").ToArray();
        foreach (string run in runs)
            Assert.Contains(training, s => RunsOf(s).Contains(run) && UnderSubmit(s));
        Assert.All(training, s => Assert.True(UnderSubmit(s), $"run train {s.SpanId} is outside the submit span's tree"));
        foreach (var s in training.Where(s => Equals(s.Attributes.GetValueOrDefault("sae.outcome"), "completed")))
        {
            var steps = s.Events.Where(e => e.Name == "checkpoint").Select(e => e.Attributes["sae.step"]).ToArray();
            Assert.Equal([40L, 80L, 120L], steps);
            Assert.Equal(0L, s.Attributes["sae.resumed_from_step"]);
            Assert.True((long)s.Attributes["sae.attempt"]! >= 1);
        }

        var compared = spans.Where(s => s.Name == "comparison").ToArray();
        foreach (string comparison in comparisons)
            Assert.Contains(compared, s => Equals(s.Attributes.GetValueOrDefault("sae.comparison"), comparison) && UnderSubmit(s));

        var storage = spans.Where(s => s.Name.StartsWith("blob ", StringComparison.Ordinal)).ToArray();
        Assert.Contains(storage, s => s.Name == "blob upload" && ((string)s.Attributes["sae.blob.name"]!).Contains("/checkpoints/step-", StringComparison.Ordinal));
        Assert.Contains(storage, s => s.Name == "blob write" && ((string)s.Attributes["sae.blob.name"]!).EndsWith("/state.json", StringComparison.Ordinal));
        Assert.All(storage, s => Assert.True(UnderSubmit(s), $"{s.Name} {s.Attributes["sae.blob.name"]} is outside the submit span's tree"));
        Assert.Contains(spans, s => s.Name == "queue receive" && UnderSubmit(s));

        SaeProcess.WaitUntil(() => receiver.MetricNames.Contains("sae.work.completed"), Patience, "the metrics");
        Assert.Superset(new HashSet<string> { "sae.train.tokens_per_second", "sae.train.fvu", "sae.train.l0", "sae.train.dead_fraction", "sae.work.completed", "sae.queue.depth" },
            (HashSet<string>)receiver.MetricNames);
    }

    [Fact]
    public async Task SweepRun_GrpcEndpoint_ExportsSpansAndMetrics()
    {
        // gRPC is the exporter's default protocol and what deploy/compose.yaml uses
        await using var receiver = await OtlpReceiver.StartAsync(http2: true);
        using var dir = new TempDir();
        var environment = Exporting(receiver);
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        var r = RunSweep(dir, environment);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var (runs, comparisons) = Entities(dir.File("store"));

        SaeProcess.WaitUntil(() => Covers(receiver.Spans, runs, comparisons), Patience, "every entity's spans over gRPC");
        SaeProcess.WaitUntil(() => receiver.MetricNames.Contains("sae.train.fvu"), Patience, "the metrics over gRPC");
    }

    [Fact]
    public async Task SweepRun_KilledAndRunAgain_ResumedWorkStaysInFirstSubmitTree()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var dir = new TempDir();
        string spec = dir.File("sweep.yaml"), store = dir.File("store");
        // long enough to be killed between checkpoints
        File.WriteAllText(spec, Spec.Replace("steps: 120", "steps: 1200", StringComparison.Ordinal));
        using (var first = SaeProcess.Start(Exporting(receiver), "sweep", "run", spec, "--store", store))
        {
            first.OutputDataReceived += (_, _) => { };
            first.ErrorDataReceived += (_, _) => { };
            first.BeginOutputReadLine();
            first.BeginErrorReadLine();
            SaeProcess.WaitUntil(() => first.HasExited || (receiver.Spans.Any(s => s.Name == "sweep submit") && CheckpointStored(store)), Patience,
                "the submit span and a stored checkpoint");
            Assert.False(first.HasExited, "the sweep finished before it could be killed");
            first.Kill(); // SIGKILL: whatever the first process had not exported is lost, the trace context in the store is not
            first.WaitForExit();
        }
        var r = SaeProcess.Run(Exporting(receiver), "sweep", "run", spec, "--store", store);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var (runs, comparisons) = Entities(store);
        IReadOnlyList<OtlpSpan> spans = [];
        SaeProcess.WaitUntil(() => Covers(spans = receiver.Spans, runs, comparisons) && spans.Count(s => s.Name == "sweep submit") == 2, Patience,
            "both submissions and every entity's spans");

        var submits = spans.Where(s => s.Name == "sweep submit").ToArray();
        var original = Assert.Single(submits, s => !s.Attributes.ContainsKey("sae.resubmitted"));
        Assert.Equal(true, Assert.Single(submits, s => s != original).Attributes["sae.resubmitted"]);
        var byId = spans.ToDictionary(s => s.SpanId);
        var work = spans.Where(s => s.Name is "run train" or "comparison").ToArray();
        Assert.All(work, s => Assert.True(s.TraceId == original.TraceId && Ancestors(s, byId).Any(a => a.SpanId == original.SpanId),
            $"{s.Name} {string.Join(',', RunsOf(s))} is outside the first submit span's tree"));
        Assert.Contains(work, s => s.Attributes.GetValueOrDefault("sae.resumed_from_step") is long step && step > 0);
    }

    [Fact]
    public async Task SweepRun_SdkDisabled_SendsNothing()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var dir = new TempDir();
        var environment = Exporting(receiver);
        environment["OTEL_SDK_DISABLED"] = "true";
        var r = RunSweep(dir, environment);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(0, receiver.Requests);
    }

    [Fact]
    public async Task SweepRun_NoOtelVariables_SendsNothing()
    {
        // an exporter enabled by mistake would go to the OTLP defaults: gRPC on 4317, HTTP on 4318; listen there when free
        var receivers = new List<OtlpReceiver>();
        foreach (var (port, http2) in new[] { (4317, true), (4318, false) })
        {
            try
            {
                receivers.Add(await OtlpReceiver.StartAsync(port, http2));
            }
            catch (IOException)
            {
                // taken (a collector running on this machine?): that port cannot be watched
            }
        }
        try
        {
            using var dir = new TempDir();
            var r = RunSweep(dir, WithoutOtel());
            Assert.True(r.ExitCode == 0, r.StdErr);
            Assert.All(receivers, x => Assert.Equal(0, x.Requests));
        }
        finally
        {
            foreach (var x in receivers)
                await x.DisposeAsync();
        }
    }

    [Fact]
    public void FromEnvironment_NothingSet_ExportsNothing()
    {
        var options = TelemetryOptions.FromEnvironment(_ => null);
        Assert.Equal(new TelemetryOptions(false, false, "sae"), options);
        using var setup = TelemetrySetup.Start(options);
        Assert.False(setup.ExportsTraces || setup.ExportsMetrics);
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", true, true)]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", true, false)]
    [InlineData("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", false, true)]
    public void FromEnvironment_EndpointSet_ExportsThatSignal(string variable, bool traces, bool metrics)
    {
        var options = TelemetryOptions.FromEnvironment(v => v == variable ? "http://127.0.0.1:1" : null);
        Assert.Equal((traces, metrics), (options.Traces, options.Metrics));
    }

    [Theory]
    [InlineData("OTEL_SDK_DISABLED", "TRUE", false, false)]
    [InlineData("OTEL_SDK_DISABLED", "false", true, true)]
    [InlineData("OTEL_TRACES_EXPORTER", "none", false, true)]
    [InlineData("OTEL_METRICS_EXPORTER", "none", true, false)]
    public void FromEnvironment_EndpointAndSwitch_HonoursSwitch(string variable, string value, bool traces, bool metrics)
    {
        var options = TelemetryOptions.FromEnvironment(v => v == variable ? value : v == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:1" : null);
        Assert.Equal((traces, metrics), (options.Traces, options.Metrics));
    }

    [Fact]
    public void FromEnvironment_ServiceNameSet_UsesIt()
    {
        Assert.Equal("trainer-7", TelemetryOptions.FromEnvironment(v => v == "OTEL_SERVICE_NAME" ? "trainer-7" : null).ServiceName);
    }

    private static SaeProcess.Result RunSweep(TempDir dir, IReadOnlyDictionary<string, string> environment)
    {
        string spec = dir.File("sweep.yaml");
        File.WriteAllText(spec, Spec);
        return SaeProcess.Run(environment, "sweep", "run", spec, "--store", dir.File("store"));
    }

    // OTEL_* variables of the test machine blanked (empty is unset, per the OpenTelemetry specification)
    private static Dictionary<string, string> WithoutOtel() => Environment.GetEnvironmentVariables().Keys.Cast<string>()
        .Where(k => k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToDictionary(k => k, _ => "");

    // protobuf over HTTP to the receiver, batches sent every 100 ms; no other OTEL_* setting of the test machine leaks in
    private static Dictionary<string, string> Exporting(OtlpReceiver receiver)
    {
        var environment = WithoutOtel();
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        return environment;
    }

    private static bool Covers(IReadOnlyList<OtlpSpan> spans, IReadOnlyList<string> runs, IReadOnlyList<string> comparisons) =>
        spans.Any(s => s.Name == "sweep submit")
        && runs.All(run => spans.Any(s => s.Name == "run train" && RunsOf(s).Contains(run)))
        && comparisons.All(c => spans.Any(s => s.Name == "comparison" && Equals(s.Attributes.GetValueOrDefault("sae.comparison"), c)));

    private static IEnumerable<string> RunsOf(OtlpSpan span) =>
        span.Attributes.GetValueOrDefault("sae.runs") is object?[] ids ? ids.OfType<string>() : [];

    private static IEnumerable<OtlpSpan> Ancestors(OtlpSpan span, Dictionary<string, OtlpSpan> byId)
    {
        var seen = new HashSet<string>();
        while (span.ParentSpanId.Length > 0 && seen.Add(span.ParentSpanId) && byId.TryGetValue(span.ParentSpanId, out var parent))
        {
            yield return parent;
            span = parent;
        }
    }

    // a run's state records a checkpoint once all its files are stored
    private static bool CheckpointStored(string store)
    {
        string sweeps = Path.Combine(store, "sweeps");
        if (!Directory.Exists(sweeps))
            return false;
        try
        {
            return Directory.GetDirectories(sweeps).SelectMany(sweep => Directory.GetDirectories(Path.Combine(sweep, "runs")))
                .Select(run => Path.Combine(run, "state.json")).Where(File.Exists)
                .Any(state => WorkState.Parse(File.ReadAllBytes(state), state).CheckpointStep > 0);
        }
        catch (IOException)
        {
            return false; // a folder not there yet or a state document being replaced: the next poll sees it
        }
    }

    // the run and comparison ids, from the store's folders
    private static (IReadOnlyList<string> Runs, IReadOnlyList<string> Comparisons) Entities(string store)
    {
        string sweep = Assert.Single(Directory.GetDirectories(Path.Combine(store, "sweeps")));
        static string[] Names(string dir) => Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        return (Names(Path.Combine(sweep, "runs")), Names(Path.Combine(sweep, "comparisons")));
    }
}
