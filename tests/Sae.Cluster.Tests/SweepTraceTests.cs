using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;

namespace Sae.Cluster.Tests;

/// <summary>
/// Trace context through the store and the queues: the submit span's traceparent saved in the sweep's state, carried by
/// every message, and the workers' spans started under it; storage and queue calls as client spans inside them.
/// </summary>
[Collection(nameof(ListeningTests))]
public sealed class SweepTraceTests : IDisposable
{
    private readonly SweepRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task SubmitAsync_Listening_StateHoldsSubmitSpanTraceParent()
    {
        using var recorder = new SpanRecorder();
        var plan = await _rig.SubmitAsync();

        var submit = Assert.Single(recorder.Spans, s => s.OperationName == "sweep submit");
        Assert.Equal(submit.Id, await SweepTrace.ReadAsync(_rig.Blobs, plan.SweepId));
        Assert.Equal(plan.SweepId, submit.GetTagItem("sae.sweep"));
    }

    [Fact]
    public async Task SubmitAsync_NotListening_StateHoldsAValidTraceParent()
    {
        var plan = await _rig.SubmitAsync();

        string? parent = await SweepTrace.ReadAsync(_rig.Blobs, plan.SweepId);
        Assert.True(ActivityContext.TryParse(parent, null, out var context), parent);
        Assert.NotEqual(default, context.TraceId);
    }

    [Fact]
    public async Task SubmitAsync_Again_SecondSubmitLinksToFirstAndStateKeepsFirst()
    {
        using var recorder = new SpanRecorder();
        var plan = await _rig.SubmitAsync();
        string? first = await SweepTrace.ReadAsync(_rig.Blobs, plan.SweepId);
        await _rig.SubmitAsync();

        Assert.Equal(first, await SweepTrace.ReadAsync(_rig.Blobs, plan.SweepId));
        var again = Assert.Single(recorder.Spans, s => s.OperationName == "sweep submit" && s.GetTagItem("sae.resubmitted") is true);
        Assert.Equal(SweepTrace.Parse(first).SpanId, Assert.Single(again.Links).Context.SpanId);
    }

    [Fact]
    public async Task ReconcileAsync_Submitted_EveryMessageCarriesTheSavedTraceParent()
    {
        var plan = await _rig.SubmitAsync(TinySweep.TwoCells);
        string? parent = await SweepTrace.ReadAsync(_rig.Blobs, plan.SweepId);

        await new Reconciler(_rig.Entities, _rig.Queues).ReconcileAsync(plan, enqueueIdle: true);

        var messages = await SweepRig.PeekAllAsync(_rig.Queues.Train);
        Assert.Equal(plan.Jobs.Count, messages.Count);
        Assert.All(messages, m => Assert.Equal(parent, m.TraceParent));
    }

    [Fact]
    public async Task MarkFinishedAsync_Finished_TraceParentKept()
    {
        var plan = await _rig.SubmitAsync();
        string? parent = await SweepTrace.ReadAsync(_rig.Blobs, plan.SweepId);
        await new Reconciler(_rig.Entities, _rig.Queues).ReconcileAsync(plan, enqueueIdle: true);
        await SweepRig.DrainAsync(_rig.Worker());

        await SweepReport.WriteAsync(_rig.Entities, plan, _rig.WorkDirectory);

        var state = JsonNode.Parse((await _rig.Blobs.ReadAsync(StoreLayout.SweepState(plan.SweepId)))!.Content)!;
        Assert.Equal("Completed", state["status"]!.GetValue<string>());
        Assert.Equal(parent, state[SweepTrace.Field]!.GetValue<string>());
    }

    [Fact]
    public async Task RunOnceAsync_InstrumentedSweep_OneTreeUnderSubmitWithCheckpointsAndStorageSpans()
    {
        using var recorder = new SpanRecorder();
        var entities = new EntityStore(new InstrumentedBlobStore(_rig.Blobs), _rig.Time);
        var queues = InstrumentedWorkQueue.Wrap(_rig.Queues);
        var plan = await new SweepSubmitter(entities).SubmitAsync(TinySweep.Parse(TinySweep.Yaml), _rig.WorkDirectory, threads: 1);
        await new Reconciler(entities, queues).ReconcileAsync(plan, enqueueIdle: true);
        var worker = new Worker(entities, queues, new WorkerOptions("w1", 1, _rig.WorkDirectory, WorkerOptions.AllQueues));

        Assert.Equal(2, await SweepRig.DrainAsync(worker));

        var spans = recorder.Spans;
        var submit = Assert.Single(spans, s => s.OperationName == "sweep submit");
        var train = Assert.Single(spans, s => s.OperationName == "run train");
        var compare = Assert.Single(spans, s => s.OperationName == "comparison");
        Assert.Equal(submit.SpanId, train.ParentSpanId);
        Assert.Equal(train.SpanId, compare.ParentSpanId); // enqueued by the training that completed its runs
        Assert.Equal([5L, 10L, 15L, 20L], train.Events.Where(e => e.Name == "checkpoint").Select(e => e.Tags.Single().Value));
        Assert.Equal(("completed", 1, 0L), (train.GetTagItem("sae.outcome"), train.GetTagItem("sae.attempt"), train.GetTagItem("sae.resumed_from_step")));
        Assert.Equal(plan.Runs.Select(r => r.RunId), (string[])train.GetTagItem("sae.runs")!);
        Assert.All(spans, s => Assert.Equal(submit.TraceId, s.TraceId));
        Assert.Contains(spans, s => s.OperationName == "blob upload" && s.ParentSpanId == train.SpanId);
        Assert.Contains(spans, s => s.OperationName == "blob write" && s.ParentSpanId == compare.SpanId);
        // received outside any span: traced afterwards, in the trace its message carries
        Assert.Contains(spans, s => s.OperationName == "queue receive" && s.ParentSpanId == submit.SpanId);
        Assert.Contains(spans, s => s.OperationName == "queue receive" && s.ParentSpanId == train.SpanId);
    }

    [Fact]
    public async Task RunOnceAsync_UploadsFail_RunTrainSpanErrorAndFailedCounted()
    {
        using var recorder = new SpanRecorder();
        var failed = new List<(long Value, object? Kind)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ClusterNames.TelemetryName && instrument.Name == "sae.work.failed")
                listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) => failed.Add((value, tags.ToArray().Single(t => t.Key == "sae.kind").Value)));
        meters.Start();
        var entities = new EntityStore(new InstrumentedBlobStore(_rig.Blobs), _rig.Time);
        var plan = await new SweepSubmitter(entities).SubmitAsync(TinySweep.Parse(TinySweep.Yaml), _rig.WorkDirectory, threads: 1);
        await new Reconciler(entities, _rig.Queues).ReconcileAsync(plan, enqueueIdle: true);
        _rig.Faults.FailUploads = name => name.Contains("/checkpoints/", StringComparison.Ordinal);

        Assert.True(await new Worker(entities, _rig.Queues, new WorkerOptions("w1", 1, _rig.WorkDirectory, WorkerOptions.AllQueues)).RunOnceAsync(CancellationToken.None));

        var train = Assert.Single(recorder.Spans, s => s.OperationName == "run train");
        Assert.Equal(("failed", ActivityStatusCode.Error), (train.GetTagItem("sae.outcome"), train.Status));
        Assert.StartsWith(FaultyBlobStore.Reason, train.StatusDescription, StringComparison.Ordinal);
        Assert.Contains(recorder.Spans, s => s.OperationName == "blob upload" && s.Status == ActivityStatusCode.Error && s.ParentSpanId == train.SpanId);
        Assert.Equal([(2L, (object?)"run")], failed);
    }

    [Fact]
    public async Task ReceiveAsync_EmptyQueueOutsideSpans_NoSpan()
    {
        using var recorder = new SpanRecorder();
        var queue = new InstrumentedWorkQueue(new InMemoryWorkQueue("train", _rig.Time));

        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(0, await queue.CountAsync());

        Assert.Empty(recorder.Spans);
    }

    [Fact]
    public async Task WriteAsync_StaleETag_ConditionFailedTaggedNotAnError()
    {
        using var recorder = new SpanRecorder();
        var blobs = new InstrumentedBlobStore(_rig.Blobs);
        using (SaeTelemetry.Source.StartActivity("test"))
        {
            await blobs.WriteAsync("x/state.json", new byte[] { 1 }, BlobCondition.None);
            await Assert.ThrowsAsync<BlobConditionFailedException>(() => blobs.WriteAsync("x/state.json", new byte[] { 2 }, BlobCondition.IfMatch("stale")));
        }

        var failed = Assert.Single(recorder.Spans, s => s.OperationName == "blob write" && s.GetTagItem("sae.outcome") is not null);
        Assert.Equal(("condition_failed", ActivityStatusCode.Unset, "x/state.json"), (failed.GetTagItem("sae.outcome"), failed.Status, failed.GetTagItem("sae.blob.name")));
    }
}
