using System.Text.Json.Nodes;
using Sae.Matching;

namespace Sae.Cluster;

/// <summary>A comparison's delivery: claims it, compares the two final SAEs, stores result.json and matches.csv.</summary>
internal sealed class CompareAttempt(Worker worker, IWorkQueue queue, QueueMessage message, SweepPlan plan, PlannedComparison comparison)
    : WorkAttempt(worker, queue, message, plan)
{
    private PairSummary? _summary;

    protected override IReadOnlyList<string> StatePaths { get; } = [StoreLayout.ComparisonState(plan.SweepId, comparison.ComparisonId)];

    protected override AttemptTelemetry StartTelemetry() => AttemptTelemetry.Compare(Plan, comparison, TraceParent);

    protected override async Task<IReadOnlyList<JsonObject?>> WorkAsync(IReadOnlyList<int> claimed, CancellationToken cancel)
    {
        Worker.Observer.ComparisonStarted(Owner, comparison);
        _summary = await Worker.Comparer.CompareAsync(Plan, comparison, cancel).ConfigureAwait(false);
        return [new JsonObject
        {
            ["shared_fraction"] = _summary.SharedFraction,
            ["agree_fraction"] = _summary.AgreeFraction,
            ["mean_dec_cos"] = _summary.MeanDecCos,
            ["mean_enc_cos"] = _summary.MeanEncCos,
        }];
    }

    protected override Task AfterCompletionAsync(IReadOnlyList<int> claimed, CancellationToken cancel) => Task.CompletedTask;

    protected override void Finished(string? failure) => Worker.Observer.ComparisonFinished(Owner, comparison, failure is null ? _summary : null, failure);
}
