namespace Sae.Cluster;

/// <summary>
/// A blob store that traces every call of another one as a client span ("blob read", "blob write", "blob upload",
/// "blob download", "blob list", "blob delete", tagged sae.blob.name) inside the current product span
/// (see <see cref="ClientSpan"/>). Wrap every store where it is created; it does not own (or dispose) the inner one.
/// </summary>
internal sealed class InstrumentedBlobStore(IBlobStore inner) : IBlobStore
{
    private const string Name = "sae.blob.name";

    /// <summary>The store underneath.</summary>
    public IBlobStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public async Task<StoredBlob?> ReadAsync(string path, CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("blob read", Name, path);
        try
        {
            var blob = await Inner.ReadAsync(path, cancel).ConfigureAwait(false);
            span?.SetTag("sae.blob.found", blob is not null).SetTag("sae.blob.bytes", blob?.Content.Length);
            return blob;
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw; // not reached: the filter records the error and declines
        }
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("blob write", Name, path);
        span?.SetTag("sae.blob.bytes", content.Length).SetTag("sae.blob.condition", condition.CreateOnly ? "if-none-match" : condition.ETag is null ? null : "if-match");
        try
        {
            return await Inner.WriteAsync(path, content, condition, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task UploadFileAsync(string path, string localFile, CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("blob upload", Name, path);
        try
        {
            await Inner.UploadFileAsync(path, localFile, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task DownloadFileAsync(string path, string localFile, CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("blob download", Name, path);
        try
        {
            await Inner.DownloadFileAsync(path, localFile, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("blob list", Name, prefix);
        try
        {
            var names = await Inner.ListAsync(prefix, cancel).ConfigureAwait(false);
            span?.SetTag("sae.blob.count", names.Count);
            return names;
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string path, CancellationToken cancel = default)
    {
        using var span = ClientSpan.Start("blob delete", Name, path);
        try
        {
            bool deleted = await Inner.DeleteAsync(path, cancel).ConfigureAwait(false);
            span?.SetTag("sae.blob.found", deleted);
            return deleted;
        }
        catch (Exception e) when (SaeTelemetry.Failed(span, e))
        {
            throw;
        }
    }

    /// <inheritdoc/>
    public string? LocalPath(string path) => Inner.LocalPath(path);
}
