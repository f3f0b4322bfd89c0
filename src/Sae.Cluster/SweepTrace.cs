using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sae.Cluster;

/// <summary>
/// The W3C trace context that ties a sweep's work together. The submit span's traceparent is saved in the sweep's
/// state document (sweeps/{sweep}/state.json, field "trace_parent"; never in spec.json, whose content must not change
/// between submissions) and every <see cref="WorkMessage"/> carries one, so each worker starts its "run train" and
/// "comparison" spans as children of it: all attempts of all runs, on any worker and after any restart, form one
/// tree under the sweep's submit span.
/// </summary>
internal static class SweepTrace
{
    /// <summary>The field of sweeps/{sweep}/state.json holding the submit span's traceparent.</summary>
    public const string Field = "trace_parent";

    /// <summary>
    /// The traceparent to save for a sweep submitted under <paramref name="span"/>: its id, or a fresh one when nothing
    /// listens (the submitter exports nothing), so workers that do export still put the sweep's spans in one trace.
    /// </summary>
    public static string ForSubmit(Activity? span) => span is { IdFormat: ActivityIdFormat.W3C, Id: { } id }
        ? id
        : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";

    /// <summary>The traceparent to put in a message sent now: the current span's, else the one the current work came with.</summary>
    public static string? Outgoing(string? incoming) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : incoming;

    /// <summary>The context a traceparent names; default (no parent: a new trace) when it is missing or malformed.</summary>
    public static ActivityContext Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;

    /// <summary>The sweep's saved traceparent, or null (no state document yet, or one written before traces were saved).</summary>
    public static async Task<string?> ReadAsync(IBlobStore blobs, string sweepId, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var blob = await blobs.ReadAsync(StoreLayout.SweepState(sweepId), cancel).ConfigureAwait(false);
        if (blob is null)
            return null;
        try
        {
            return JsonNode.Parse(blob.Content)?[Field] is JsonValue value && value.TryGetValue(out string? parent) ? parent : null;
        }
        catch (JsonException)
        {
            // a damaged state document costs the trace link only; the sweep's truth is elsewhere
            return null;
        }
    }
}
