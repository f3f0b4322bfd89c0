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
            // a completed run's final SAE never changes (fixed path, same bits on any rerun): download it once per worker;
            // the marker is written last, once the files load, so a download cut short, or a listing that missed files lost
            // from the store (the run is then done again), is fetched again
            local = Path.Combine(cacheDirectory, "saes", sweep, run.RunId);
            string complete = Path.Combine(local, ".complete");
            if (!File.Exists(complete))
            {
                foreach (string name in await blobs.ListAsync(final + "/", cancel).ConfigureAwait(false))
                    await blobs.DownloadFileAsync(name, Path.Combine(local, name[(final.Length + 1)..]), cancel).ConfigureAwait(false);
                var loaded = SaeFiles.Load(local);
                await File.WriteAllTextAsync(complete, "", cancel).ConfigureAwait(false);
                return loaded;
            }
        }
        return SaeFiles.Load(local);
    }
}
