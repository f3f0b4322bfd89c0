using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Sae.Cluster;

/// <summary>
/// The blob store on Azure Blob Storage (one container): ETags and If-Match / If-None-Match conditions are the
/// service's own, so compare-and-swap on state documents is exactly the SDK's conditional upload. Every call runs
/// through <see cref="StorageResilience.Pipeline"/>.
/// </summary>
public sealed class AzureBlobStore(BlobContainerClient container) : IBlobStore
{
    /// <summary>The container.</summary>
    public BlobContainerClient Container { get; } = container;

    /// <inheritdoc/>
    public async Task<StoredBlob?> ReadAsync(string path, CancellationToken cancel = default)
    {
        var blob = Container.GetBlobClient(BlobPath.Check(path));
        try
        {
            var result = await StorageResilience.Pipeline.ExecuteAsync(async ct => await blob.DownloadContentAsync(ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
            return new StoredBlob(result.Value.Content.ToArray(), result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancel = default)
    {
        var blob = Container.GetBlobClient(BlobPath.Check(path));
        var options = new BlobUploadOptions
        {
            Conditions = condition.CreateOnly ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : condition.ETag is { } etag ? new BlobRequestConditions { IfMatch = new ETag(etag) } : null,
        };
        try
        {
            var result = await StorageResilience.Pipeline.ExecuteAsync(
                async ct => await blob.UploadAsync(BinaryData.FromBytes(content), options, ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
            return result.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new BlobConditionFailedException(path, condition.CreateOnly ? "it already exists" : "stale ETag");
        }
    }

    /// <inheritdoc/>
    public async Task UploadFileAsync(string path, string localFile, CancellationToken cancel = default)
    {
        var blob = Container.GetBlobClient(BlobPath.Check(path));
        await StorageResilience.Pipeline.ExecuteAsync(async ct => await blob.UploadAsync(localFile, overwrite: true, ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task DownloadFileAsync(string path, string localFile, CancellationToken cancel = default)
    {
        var blob = Container.GetBlobClient(BlobPath.Check(path));
        string full = Path.GetFullPath(localFile);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await StorageResilience.Pipeline.ExecuteAsync(async ct => await blob.DownloadToAsync(temp, ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
            File.Move(temp, full, overwrite: true);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"blob {path} does not exist in container {Container.Name}.", path, e);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default)
    {
        BlobPath.CheckPrefix(prefix);
        return await StorageResilience.Pipeline.ExecuteAsync(async ct =>
        {
            var names = new List<string>();
            await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).ConfigureAwait(false))
                names.Add(item.Name);
            names.Sort(StringComparer.Ordinal);
            return (IReadOnlyList<string>)names;
        }, cancel).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string path, CancellationToken cancel = default)
    {
        var blob = Container.GetBlobClient(BlobPath.Check(path));
        var result = await StorageResilience.Pipeline.ExecuteAsync(async ct => await blob.DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false), cancel).ConfigureAwait(false);
        return result.Value;
    }

    /// <inheritdoc/>
    public string? LocalPath(string path) => null;
}
