using System.Text;

namespace Sae.Cluster.Tests;

public sealed class FileBlobStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FileBlobStore _store;

    public FileBlobStoreTests() => _store = new FileBlobStore(Path.Combine(_dir.Path, "store"));

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task WriteAsync_ThenRead_SameContentAndETag()
    {
        string etag = await _store.WriteAsync("a/b/c.json", Bytes("hello"), BlobCondition.None);
        var blob = await _store.ReadAsync("a/b/c.json");
        Assert.NotNull(blob);
        Assert.Equal("hello", Encoding.UTF8.GetString(blob.Content));
        Assert.Equal(etag, blob.ETag);
        Assert.Equal(FileBlobStore.ETagOf(Bytes("hello")), etag);
        Assert.NotEqual(etag, await _store.WriteAsync("a/b/c.json", Bytes("world"), BlobCondition.None));
    }

    [Fact]
    public async Task ReadAsync_Missing_Null()
    {
        Assert.Null(await _store.ReadAsync("nothing/here.json"));
        Assert.Null(await _store.ReadAsync("top.json"));
    }

    [Fact]
    public async Task WriteAsync_IfMatchCurrentETag_Writes()
    {
        string etag = await _store.WriteAsync("x.json", Bytes("1"), BlobCondition.None);
        string next = await _store.WriteAsync("x.json", Bytes("2"), BlobCondition.IfMatch(etag));
        Assert.Equal(next, (await _store.ReadAsync("x.json"))!.ETag);
    }

    [Fact]
    public async Task WriteAsync_IfMatchStaleETag_ThrowsAndKeepsContent()
    {
        string stale = await _store.WriteAsync("x.json", Bytes("1"), BlobCondition.None);
        await _store.WriteAsync("x.json", Bytes("2"), BlobCondition.None);
        var e = await Assert.ThrowsAsync<BlobConditionFailedException>(() => _store.WriteAsync("x.json", Bytes("3"), BlobCondition.IfMatch(stale)));
        Assert.Equal("x.json", e.BlobName);
        Assert.Equal("2", Encoding.UTF8.GetString((await _store.ReadAsync("x.json"))!.Content));
    }

    [Fact]
    public async Task WriteAsync_IfMatchMissingBlob_Throws()
    {
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => _store.WriteAsync("x.json", Bytes("3"), BlobCondition.IfMatch("\"abc\"")));
        Assert.Null(await _store.ReadAsync("x.json"));
    }

    [Fact]
    public async Task WriteAsync_IfNotExistsOnExisting_ThrowsAndKeepsContent()
    {
        await _store.WriteAsync("x.json", Bytes("first"), BlobCondition.IfNotExists);
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => _store.WriteAsync("x.json", Bytes("second"), BlobCondition.IfNotExists));
        Assert.Equal("first", Encoding.UTF8.GetString((await _store.ReadAsync("x.json"))!.Content));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentIncrementsOneStore_NoneLost()
    {
        var entities = new EntityStore(_store);
        int total = await IncrementConcurrentlyAsync([entities]);
        Assert.Equal(total, (await entities.ReadAsync(CounterPath))!.Version);
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentIncrementsTwoStoresOnOneDirectory_NoneLost()
    {
        // two FileBlobStore instances stand for two worker processes: only the lock file serialises them
        using var other = new FileBlobStore(_store.Root);
        var a = new EntityStore(_store);
        var b = new EntityStore(other);
        int total = await IncrementConcurrentlyAsync([a, b]);
        Assert.Equal(total, (await a.ReadAsync(CounterPath))!.Version);
    }

    private const string CounterPath = "counters/c/state.json";

    // 8 tasks × 25 increments of Version, spread over the given stores; returns the expected count
    private static async Task<int> IncrementConcurrentlyAsync(EntityStore[] stores)
    {
        const int tasks = 8, increments = 25;
        await stores[0].CreateAsync(CounterPath, Lifecycle.New("run"));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var entities = stores[t % stores.Length];
            await go.Task;
            for (int i = 0; i < increments; i++)
                await entities.UpdateAsync(CounterPath, s => s with { Version = s.Version + 1 });
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(workers);
        return tasks * increments;
    }

    public static TheoryData<string> BadNames => ["../x", "../outside.txt", "/abs", "a//b", ".hidden", "a/.hidden", "a\\b", "a/../../x", "a/", "", "a/./b", "a\0b"];

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task AllOperations_NameEscapingOrHidden_ThrowArgumentExceptionAndTouchNothing(string name)
    {
        string outside = _dir.File("outside.txt");
        await File.WriteAllTextAsync(outside, "keep");
        string local = _dir.File("local.bin");
        await File.WriteAllTextAsync(local, "payload");
        var before = Snapshot();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.WriteAsync(name, Bytes("evil"), BlobCondition.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.WriteAsync(name, Bytes("evil"), BlobCondition.IfNotExists));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.ReadAsync(name));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.DeleteAsync(name));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.UploadFileAsync(name, local));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.DownloadFileAsync(name, _dir.File("down.bin")));
        Assert.ThrowsAny<ArgumentException>(() => _store.LocalPath(name));

        Assert.Equal("keep", await File.ReadAllTextAsync(outside));
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("../")]
    [InlineData("/")]
    [InlineData(".work/")]
    public async Task ListAsync_BadPrefix_ThrowsArgumentException(string prefix) =>
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _store.ListAsync(prefix));

    // every file and directory under the test's temp dir
    private string[] Snapshot() =>
        Directory.EnumerateFileSystemEntries(_dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task ListAsync_MixedNamesAndHiddenFiles_VisibleOnlyOrdinalSorted()
    {
        foreach (string name in new[] { "b", "a/a", "A", "a/B", "a/c/d", "ab" })
            await _store.WriteAsync(name, Bytes(name), BlobCondition.None);
        // what the store itself leaves: temp files of interrupted writes, the CAS lock, scratch space
        await File.WriteAllTextAsync(Path.Combine(_store.Root, "a", ".a.0123.tmp"), "partial");
        await File.WriteAllTextAsync(Path.Combine(_store.Root, ".cas.lock"), "");
        Directory.CreateDirectory(Path.Combine(_store.Root, ".work", "x"));
        await File.WriteAllTextAsync(Path.Combine(_store.Root, ".work", "x", "y"), "");

        Assert.Equal(["A", "a/B", "a/a", "a/c/d", "ab", "b"], await _store.ListAsync(""));
        Assert.Equal(["a/B", "a/a", "a/c/d"], await _store.ListAsync("a/"));
        Assert.Equal(["a/B", "a/a", "a/c/d", "ab"], await _store.ListAsync("a"));
        Assert.Equal(["a/c/d"], await _store.ListAsync("a/c"));
        Assert.Empty(await _store.ListAsync("zzz/"));
    }

    [Fact]
    public async Task UploadFileAsync_ThenDownload_SameBytes()
    {
        var payload = new byte[300_000];
        new Random(7).NextBytes(payload);
        string source = _dir.File("source.bin"), target = _dir.File("sub/target.bin");
        await File.WriteAllBytesAsync(source, payload);
        await _store.UploadFileAsync("files/big.bin", source);
        await _store.DownloadFileAsync("files/big.bin", target);
        Assert.Equal(payload, await File.ReadAllBytesAsync(target));
        Assert.Equal(FileBlobStore.ETagOf(payload), (await _store.ReadAsync("files/big.bin"))!.ETag);
        Assert.Equal(Path.Combine(_store.Root, "files", "big.bin"), _store.LocalPath("files/big.bin"));
    }

    [Fact]
    public async Task DownloadFileAsync_Missing_FileNotFoundAndNoLocalFile()
    {
        string target = _dir.File("never.bin");
        await Assert.ThrowsAsync<FileNotFoundException>(() => _store.DownloadFileAsync("no/such.bin", target));
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task DeleteAsync_ExistingThenMissing_TrueThenFalse()
    {
        await _store.WriteAsync("d/x", Bytes("1"), BlobCondition.None);
        Assert.True(await _store.DeleteAsync("d/x"));
        Assert.Null(await _store.ReadAsync("d/x"));
        Assert.False(await _store.DeleteAsync("d/x"));
        Assert.False(await _store.DeleteAsync("never/was"));
    }
}
