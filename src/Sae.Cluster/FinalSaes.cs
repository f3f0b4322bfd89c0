using Sae.Core;

namespace Sae.Cluster;

/// <summary>Loads a run's final SAE from the store: in place on a local-directory store, else through a download cache.</summary>
internal static class FinalSaes
{
    public static async Task<LoadedSae> LoadAsync(IBlobStore blobs, string cacheDirectory, string sweep, PlannedRun run, CancellationToken cancel)
    {
        string final = StoreLayout.Final(sweep, run.RunId);
        string? local = blobs.LocalPath(final);
        if (local is null || !Directory.Exists(local))
        {
            local = Path.Combine(cacheDirectory, "saes", sweep, run.RunId);
            foreach (string name in await blobs.ListAsync(final + "/", cancel).ConfigureAwait(false))
                await blobs.DownloadFileAsync(name, Path.Combine(local, name[(final.Length + 1)..]), cancel).ConfigureAwait(false);
        }
        return SaeFiles.Load(local);
    }
}
