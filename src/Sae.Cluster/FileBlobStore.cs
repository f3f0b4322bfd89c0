using System.Security.Cryptography;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// The blob store on a local directory (the embedded default, and `sae worker --store DIR` on a shared disk).
/// Writes go to a hidden temporary file and are renamed over the target (atomic); the ETag is a hash of the
/// content. Conditional writes hold a store-wide lock — in this process a semaphore, across processes an
/// exclusive lock on ROOT/.cas.lock — between reading the current ETag and renaming, so compare-and-swap
/// holds even with several worker processes on one store.
/// </summary>
public sealed class FileBlobStore : IBlobStore, IDisposable
{
    private readonly SemaphoreSlim _casGate = new(1, 1);

    /// <summary>Uses (and creates) <paramref name="root"/>.</summary>
    public FileBlobStore(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    /// <summary>The store's directory.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public async Task<StoredBlob?> ReadAsync(string path, CancellationToken cancel = default)
    {
        string file = FullPath(path);
        try
        {
            byte[] content = await File.ReadAllBytesAsync(file, cancel).ConfigureAwait(false);
            return new StoredBlob(content, ETagOf(content));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<string> WriteAsync(string path, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancel = default)
    {
        string file = FullPath(path);
        string etag = ETagOf(content.Span);
        if (!condition.CreateOnly && condition.ETag is null)
        {
            AtomicFile.Write(file, s => s.Write(content.Span));
            return etag;
        }
        await _casGate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            using var crossProcess = await CrossProcessLockAsync(cancel).ConfigureAwait(false);
            bool exists = File.Exists(file);
            if (condition.CreateOnly && exists)
                throw new BlobConditionFailedException(path, "it already exists");
            if (condition.ETag is { } expected)
            {
                if (!exists)
                    throw new BlobConditionFailedException(path, "it does not exist");
                string current = ETagOf(await File.ReadAllBytesAsync(file, cancel).ConfigureAwait(false));
                if (current != expected)
                    throw new BlobConditionFailedException(path, "stale ETag");
            }
            AtomicFile.Write(file, s => s.Write(content.Span));
            return etag;
        }
        finally
        {
            _casGate.Release();
        }
    }

    /// <inheritdoc/>
    public async Task UploadFileAsync(string path, string localFile, CancellationToken cancel = default)
    {
        string target = FullPath(path);
        await using var source = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: false);
        AtomicFile.Write(target, s => source.CopyTo(s, 1 << 20));
    }

    /// <inheritdoc/>
    public Task DownloadFileAsync(string path, string localFile, CancellationToken cancel = default)
    {
        string source = FullPath(path);
        if (!File.Exists(source))
            throw new FileNotFoundException($"blob {path} does not exist in {Root}.", path);
        using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        AtomicFile.Write(localFile, s => input.CopyTo(s, 1 << 20));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancel = default)
    {
        BlobPath.CheckPrefix(prefix);
        int slash = prefix.LastIndexOf('/');
        string dir = slash < 0 ? Root : Path.Combine(Root, prefix[..slash]);
        if (!Directory.Exists(dir))
            return Task.FromResult<IReadOnlyList<string>>([]);
        var names = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !n.Split('/').Any(s => s.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string path, CancellationToken cancel = default)
    {
        string file = FullPath(path);
        if (!File.Exists(file))
            return Task.FromResult(false);
        File.Delete(file);
        return Task.FromResult(true);
    }

    /// <inheritdoc/>
    public void Dispose() => _casGate.Dispose();

    /// <inheritdoc/>
    public string? LocalPath(string path) => FullPath(path);

    private string FullPath(string path) => Path.Combine(Root, BlobPath.Check(path).Replace('/', Path.DirectorySeparatorChar));

    internal static string ETagOf(ReadOnlySpan<byte> content) => "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16)) + "\"";

    // FileShare.None is an exclusive advisory lock (flock) on Unix and a sharing lock on Windows; another
    // process holding it makes the open fail at once, so retry briefly.
    private async Task<FileStream> CrossProcessLockAsync(CancellationToken cancel)
    {
        string lockFile = Path.Combine(Root, ".cas.lock");
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 10_000)
            {
                await Task.Delay(1, cancel).ConfigureAwait(false);
            }
        }
    }
}
