namespace Sae.Cluster.Tests;

/// <summary>
/// A blob store that passes everything to another one, except file uploads whose name matches
/// <see cref="FailUploads"/>: those throw an IOException, as a full or broken disk would. It lets a test make
/// one cell of a sweep fail while the others run normally, or act in the middle of a job (<see cref="BeforeUpload"/>).
/// </summary>
internal sealed class FaultyBlobStore(IBlobStore inner) : IBlobStore
{
    public const string Reason = "injected fault: disk full";

    /// <summary>Uploads to names it accepts fail; null: none fail.</summary>
    public Func<string, bool>? FailUploads { get; set; }

    /// <summary>Runs before every file upload (on the uploading thread), e.g. to change state behind the worker's back.</summary>
    public Action<string>? BeforeUpload { get; set; }

    public int InjectedFaults => _faults;

    private int _faults;

    public Task<StoredBlob?> ReadAsync(string path, CancellationToken cancel = default) => inner.ReadAsync(path, cancel);

    public Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancel = default) =>
        inner.WriteAsync(path, content, condition, cancel);

    public Task UploadFileAsync(string path, string localFile, CancellationToken cancel = default)
    {
        BeforeUpload?.Invoke(path);
        if (FailUploads?.Invoke(path) == true)
        {
            Interlocked.Increment(ref _faults);
            throw new IOException($"{Reason} ({path})");
        }
        return inner.UploadFileAsync(path, localFile, cancel);
    }

    public Task DownloadFileAsync(string path, string localFile, CancellationToken cancel = default) => inner.DownloadFileAsync(path, localFile, cancel);

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default) => inner.ListAsync(prefix, cancel);

    public Task<bool> DeleteAsync(string path, CancellationToken cancel = default) => inner.DeleteAsync(path, cancel);

    public string? LocalPath(string path) => inner.LocalPath(path);
}
