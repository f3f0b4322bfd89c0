namespace Sae.Cluster;

/// <summary>
/// The blob-store port: small state documents updated by compare-and-swap on their ETag, and larger
/// files (checkpoints, SAEs, shards) moved whole. Implemented on a local directory (FileBlobStore) and,
/// for the cluster, on Azure Blob Storage. Names are checked by <see cref="BlobPath.Check"/>.
/// </summary>
public interface IBlobStore
{
    /// <summary>Reads a blob and its ETag; null when it does not exist.</summary>
    Task<StoredBlob?> ReadAsync(string path, CancellationToken cancel = default);

    /// <summary>
    /// Writes a blob whole, atomically (readers see the old or the new content), if <paramref name="condition"/>
    /// holds; returns the new ETag.
    /// </summary>
    /// <exception cref="BlobConditionFailedException">The ETag changed (If-Match) or the blob exists (If-None-Match).</exception>
    Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancel = default);

    /// <summary>Uploads a local file to <paramref name="path"/>, replacing it (atomically).</summary>
    Task UploadFileAsync(string path, string localFile, CancellationToken cancel = default);

    /// <summary>Downloads <paramref name="path"/> to a local file (written atomically).</summary>
    /// <exception cref="FileNotFoundException">The blob does not exist.</exception>
    Task DownloadFileAsync(string path, string localFile, CancellationToken cancel = default);

    /// <summary>Names of all blobs whose name starts with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default);

    /// <summary>Deletes a blob; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string path, CancellationToken cancel = default);

    /// <summary>The blob's path on the local file system when the store is a local directory (then files need not be copied), else null.</summary>
    string? LocalPath(string path);
}

/// <summary>A blob's content and ETag.</summary>
public sealed record StoredBlob(byte[] Content, string ETag);

/// <summary>The precondition of a write.</summary>
public readonly record struct BlobCondition
{
    /// <summary>Write unconditionally.</summary>
    public static BlobCondition None => default;

    /// <summary>Write only if the blob does not exist yet.</summary>
    public static BlobCondition IfNotExists => new() { CreateOnly = true };

    /// <summary>Write only if the blob's current ETag is <paramref name="etag"/>.</summary>
    public static BlobCondition IfMatch(string etag) => new() { ETag = etag };

    /// <summary>True: the blob must not exist.</summary>
    public bool CreateOnly { get; private init; }

    /// <summary>When set: the blob's ETag must equal it.</summary>
    public string? ETag { get; private init; }
}

/// <summary>A conditional write found the blob changed (stale ETag) or already present.</summary>
public sealed class BlobConditionFailedException(string path, string reason)
    : Exception($"{path}: conditional write failed ({reason}).")
{
    /// <summary>The blob name.</summary>
    public string BlobName { get; } = path;
}
