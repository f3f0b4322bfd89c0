namespace Sae.Cluster;

/// <summary>
/// Reads and changes entity state documents by compare-and-swap: read the document and its ETag, compute the
/// next state with a <see cref="Lifecycle"/> transition, write it If-Match the ETag; on a stale ETag read again
/// and retry. The stored state is the truth: queue messages only point at it.
/// </summary>
public sealed class EntityStore(IBlobStore blobs, TimeProvider? time = null)
{
    /// <summary>The blob store underneath.</summary>
    public IBlobStore Blobs { get; } = blobs;

    /// <summary>The clock used for leases.</summary>
    public TimeProvider Time { get; } = time ?? TimeProvider.System;

    /// <summary>Compare-and-swap conflicts seen (each one was retried).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    private long _conflicts;

    /// <summary>Now, by <see cref="Time"/>.</summary>
    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>The state at <paramref name="path"/>, or null.</summary>
    public async Task<WorkState?> ReadAsync(string path, CancellationToken cancel = default)
    {
        var blob = await Blobs.ReadAsync(path, cancel).ConfigureAwait(false);
        return blob is null ? null : WorkState.Parse(blob.Content, path);
    }

    /// <summary>Creates the document unless it exists; returns the stored state either way.</summary>
    public async Task<WorkState> CreateAsync(string path, WorkState initial, CancellationToken cancel = default)
    {
        try
        {
            await Blobs.WriteAsync(path, initial.ToBytes(), BlobCondition.IfNotExists, cancel).ConfigureAwait(false);
            return initial;
        }
        catch (BlobConditionFailedException)
        {
            return await ReadAsync(path, cancel).ConfigureAwait(false) ?? initial;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> by compare-and-swap until it sticks. Returns the written state, or null when
    /// <paramref name="change"/> returned null (the transition does not apply to the current state).
    /// </summary>
    /// <exception cref="InvalidOperationException">The document does not exist.</exception>
    public async Task<WorkState?> UpdateAsync(string path, Func<WorkState, WorkState?> change, CancellationToken cancel = default)
    {
        var (state, changed) = await ApplyAsync(path, change, cancel).ConfigureAwait(false);
        return changed ? state : null;
    }

    /// <summary>
    /// As <see cref="UpdateAsync"/>, but always returns the state now stored: the written one, or the one read when the
    /// transition did not apply (so a caller that also needs the state reads the document once, not twice).
    /// </summary>
    /// <exception cref="InvalidOperationException">The document does not exist.</exception>
    public async Task<(WorkState State, bool Changed)> ApplyAsync(string path, Func<WorkState, WorkState?> change, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var blob = await Blobs.ReadAsync(path, cancel).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{path}: no state document.");
            var current = WorkState.Parse(blob.Content, path);
            var next = change(current);
            if (next is null)
                return (current, false);
            try
            {
                await Blobs.WriteAsync(path, next.ToBytes(), BlobCondition.IfMatch(blob.ETag), cancel).ConfigureAwait(false);
                return (next, true);
            }
            catch (BlobConditionFailedException)
            {
                Interlocked.Increment(ref _conflicts);
                SaeTelemetry.CountCasRetry();
            }
        }
    }
}
