using System.Text;
using Sae.Cli.Bench;
using Sae.Cluster;

namespace Sae.Cli.Tests;

/// <summary>The Azure implementations of the store ports against a real Azurite: the same contract as the local ones.</summary>
[Collection("azurite")]
public sealed class AzureStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LocalAzurite _azurite;

    public AzureStoreTests() => _azurite = new LocalAzurite(_dir.File("azurite"));

    public void Dispose()
    {
        _azurite.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task AzureBlobStore_StaleETagOrExisting_ConditionFailsAndContentKept()
    {
        using var store = await StoreConnection.OpenAsync(_azurite.ConnectionString);
        var blobs = store.Blobs;
        string first = await blobs.WriteAsync("a/state.json", Encoding.UTF8.GetBytes("1"), BlobCondition.IfNotExists);
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => blobs.WriteAsync("a/state.json", Encoding.UTF8.GetBytes("x"), BlobCondition.IfNotExists));
        string second = await blobs.WriteAsync("a/state.json", Encoding.UTF8.GetBytes("2"), BlobCondition.IfMatch(first));
        await Assert.ThrowsAsync<BlobConditionFailedException>(() => blobs.WriteAsync("a/state.json", Encoding.UTF8.GetBytes("3"), BlobCondition.IfMatch(first)));
        var read = await blobs.ReadAsync("a/state.json");
        Assert.Equal("2", Encoding.UTF8.GetString(read!.Content));
        Assert.Equal(second, read.ETag);
        Assert.Null(await blobs.ReadAsync("a/missing.json"));
        Assert.Equal(["a/state.json"], await blobs.ListAsync("a/"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => blobs.DownloadFileAsync("a/missing.json", _dir.File("x")));
        Assert.True(await blobs.DeleteAsync("a/state.json"));
        Assert.False(await blobs.DeleteAsync("a/state.json"));
    }

    [Fact]
    public async Task AzureWorkQueue_ReceiptsAndVisibility_FollowTheContract()
    {
        using var store = await StoreConnection.OpenAsync(_azurite.ConnectionString);
        var queue = store.Queues.Train;
        await queue.SendAsync("hello");
        var m = await queue.ReceiveAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(m);
        Assert.Equal("hello", m.Body);
        Assert.Equal(1, m.DequeueCount);
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromSeconds(30)));
        var extended = await queue.ExtendAsync(m, TimeSpan.Zero);
        await Assert.ThrowsAsync<QueueReceiptException>(() => queue.ExtendAsync(m, TimeSpan.FromSeconds(30)));
        var again = await queue.ReceiveAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, again!.DequeueCount);
        await queue.DeleteAsync(extended); // stale receipt: nothing happens
        Assert.Equal(1, await queue.CountAsync());
        await queue.DeleteAsync(again);
        Assert.Equal(0, await queue.CountAsync());
    }

    [Fact]
    public void Cli_MalformedOrWrongStore_ErrorNeverShowsTheKey()
    {
        string malformed = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={LocalAzurite.AccountKey}!!;BlobEndpoint=not a url;";
        using var p = SaeProcess.Start(new Dictionary<string, string> { [ClusterNames.StoreVariable] = malformed }, "sweep", "status");
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("sae: error:", output, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalAzurite.AccountKey, output, StringComparison.Ordinal);
        var ok = SaeProcess.Start(new Dictionary<string, string> { [ClusterNames.StoreVariable] = _azurite.ConnectionString }, "sweep", "status");
        string okOutput = ok.StandardOutput.ReadToEnd() + ok.StandardError.ReadToEnd();
        ok.WaitForExit();
        Assert.Contains("holds no sweep", okOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalAzurite.AccountKey, okOutput, StringComparison.Ordinal);
    }
}
