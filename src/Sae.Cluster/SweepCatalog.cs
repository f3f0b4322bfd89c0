using System.Collections.Concurrent;

namespace Sae.Cluster;

/// <summary>Plans of the sweeps in a store, read once from their immutable spec.json and kept.</summary>
public sealed class SweepCatalog(IBlobStore blobs)
{
    private readonly ConcurrentDictionary<string, SweepPlan> _plans = new();

    /// <summary>The plan of <paramref name="sweep"/>, or null when the store has no such sweep.</summary>
    public async Task<SweepPlan?> FindAsync(string sweep, CancellationToken cancel = default)
    {
        if (_plans.TryGetValue(sweep, out var plan))
            return plan;
        var blob = await blobs.ReadAsync(StoreLayout.SweepSpec(sweep), cancel).ConfigureAwait(false);
        if (blob is null)
            return null;
        plan = new SweepPlan(SweepDocument.Parse(blob.Content, StoreLayout.SweepSpec(sweep)));
        return _plans.GetOrAdd(sweep, plan);
    }

    /// <summary>Ids of every sweep in the store.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancel = default)
    {
        var names = await blobs.ListAsync("sweeps/", cancel).ConfigureAwait(false);
        return names.Where(n => n.EndsWith("/spec.json", StringComparison.Ordinal) && n.Count(c => c == '/') == 2)
            .Select(n => n.Split('/')[1]).ToList();
    }
}
