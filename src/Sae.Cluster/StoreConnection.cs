using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Sae.Core;

namespace Sae.Cluster;

/// <summary>
/// Opens a store named by `--store` or SAE_STORE: an Azure Storage connection string (blob container
/// <see cref="ClusterNames.BlobContainer"/> and queues <see cref="ClusterNames.TrainQueue"/> /
/// <see cref="ClusterNames.CompareQueue"/>, created if missing) or a directory (FileBlobStore with queues kept
/// in the same directory, for several processes on one disk). The connection string is a secret: it is never
/// put in a message, a log line or <see cref="Description"/>.
/// </summary>
public sealed class StoreConnection : IDisposable
{
    private readonly IDisposable? _owned;

    private StoreConnection(IBlobStore blobs, WorkQueues queues, string description, IDisposable? owned)
    {
        Blobs = blobs;
        Queues = queues;
        Description = description;
        _owned = owned;
    }

    /// <summary>The blob store.</summary>
    public IBlobStore Blobs { get; }

    /// <summary>The train and compare queues.</summary>
    public WorkQueues Queues { get; }

    /// <summary>The store's directory when it is a local one, else null.</summary>
    public string? LocalRoot => (_owned as FileBlobStore)?.Root;

    /// <summary>Where the store is, without secrets ("Azure Storage account devstoreaccount1 at http://…", or the directory).</summary>
    public string Description { get; }

    /// <summary>Whether <paramref name="store"/> is a connection string rather than a path.</summary>
    public static bool IsConnectionString(string store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Contains("AccountName=", StringComparison.OrdinalIgnoreCase) || store.Contains("UseDevelopmentStorage=", StringComparison.OrdinalIgnoreCase)
            || store.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase) || store.Contains("SharedAccessSignature=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Opens (and on Azure creates the container and queues of) the store.</summary>
    /// <exception cref="SaeInputException">The string is malformed or the account cannot be reached (the message never includes it).</exception>
    public static async Task<StoreConnection> OpenAsync(string store, bool mustExist = false, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(store);
        if (!IsConnectionString(store))
        {
            if (mustExist && !Directory.Exists(store))
                throw new SaeInputException($"--store {store}: no such directory.");
            var files = new FileBlobStore(store);
            return new StoreConnection(new InstrumentedBlobStore(files),
                InstrumentedWorkQueue.Wrap(new WorkQueues(new FileWorkQueue(files, WorkMessage.Train), new FileWorkQueue(files, WorkMessage.Compare))), files.Root, files);
        }
        BlobContainerClient container;
        QueueServiceClient queues;
        try
        {
            var blobOptions = new BlobClientOptions();
            var queueOptions = new QueueClientOptions();
            Configure(blobOptions.Retry);
            Configure(queueOptions.Retry);
            container = new BlobServiceClient(store, blobOptions).GetBlobContainerClient(ClusterNames.BlobContainer);
            queues = new QueueServiceClient(store, queueOptions);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new SaeInputException("the store's connection string is malformed (it is not shown here because it holds the account key).", e);
        }
        string description = $"Azure Storage account {container.AccountName} at {container.Uri.GetLeftPart(UriPartial.Authority)}";
        var train = queues.GetQueueClient(ClusterNames.TrainQueue);
        var compare = queues.GetQueueClient(ClusterNames.CompareQueue);
        try
        {
            await StorageResilience.Pipeline.ExecuteAsync(async ct =>
            {
                await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                await train.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
                await compare.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            }, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or AggregateException)
        {
            throw new SaeInputException($"cannot reach the store ({description}): {FirstLine(e)}", e);
        }
        return new StoreConnection(new InstrumentedBlobStore(new AzureBlobStore(container)),
            InstrumentedWorkQueue.Wrap(new WorkQueues(new AzureWorkQueue(train, WorkMessage.Train), new AzureWorkQueue(compare, WorkMessage.Compare))), description, null);
    }

    /// <inheritdoc/>
    public void Dispose() => _owned?.Dispose();

    // the SDK's own quick retries (exponential with jitter); StorageResilience adds the long ones
    private static void Configure(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 3;
        retry.Delay = TimeSpan.FromMilliseconds(100);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
        retry.NetworkTimeout = TimeSpan.FromSeconds(100);
    }

    private static string FirstLine(Exception e) => (e is AggregateException a ? a.InnerExceptions[^1] : e).Message.Split('\n')[0];
}
