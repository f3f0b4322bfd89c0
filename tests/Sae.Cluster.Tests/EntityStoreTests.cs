namespace Sae.Cluster.Tests;

public sealed class EntityStoreTests : IDisposable
{
    private const string StatePath = "sweeps/s/runs/r/state.json";

    private readonly TempDir _dir = new();
    private readonly FileBlobStore _blobs;
    private readonly EntityStore _entities;

    public EntityStoreTests()
    {
        _blobs = new FileBlobStore(_dir.Path);
        _entities = new EntityStore(_blobs, new ManualTime());
    }

    public void Dispose()
    {
        _blobs.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentWriteDuringChange_RetriesAndKeepsBothWrites()
    {
        await _entities.CreateAsync(StatePath, Lifecycle.New("run"));
        // another worker (its own EntityStore) changes the document between our read and our write
        var other = new EntityStore(_blobs);
        int calls = 0;
        var written = await _entities.UpdateAsync(StatePath, s =>
        {
            if (++calls == 1)
                other.UpdateAsync(StatePath, o => o with { Version = o.Version + 1, CheckpointStep = 100 }).GetAwaiter().GetResult();
            return s with { Version = s.Version + 1, Failures = s.Failures + 1 };
        });

        Assert.Equal(2, calls);
        Assert.Equal(1, _entities.Conflicts);
        var stored = await _entities.ReadAsync(StatePath);
        Assert.NotNull(stored);
        Assert.Equal((2L, 100L, 1), (stored.Version, stored.CheckpointStep, stored.Failures));
        Assert.Equal(written!.ToBytes(), stored.ToBytes());
    }

    [Fact]
    public async Task UpdateAsync_ChangeReturnsNull_WritesNothing()
    {
        await _entities.CreateAsync(StatePath, Lifecycle.New("run"));
        string before = (await _blobs.ReadAsync(StatePath))!.ETag;
        Assert.Null(await _entities.UpdateAsync(StatePath, _ => null));
        Assert.Equal(before, (await _blobs.ReadAsync(StatePath))!.ETag);
        Assert.Equal(0, _entities.Conflicts);
    }

    [Fact]
    public async Task UpdateAsync_Transition_AppliedWithStoreClock()
    {
        await _entities.CreateAsync(StatePath, Lifecycle.New("run"));
        var s = await _entities.UpdateAsync(StatePath, x => Lifecycle.Claim(x, "w1", _entities.Now, TimeSpan.FromSeconds(10)));
        Assert.Equal(ManualTime.Start + TimeSpan.FromSeconds(10), s?.LeaseUntil);
        Assert.Equal(s!.ToBytes(), (await _entities.ReadAsync(StatePath))!.ToBytes());
    }

    [Fact]
    public async Task UpdateAsync_Missing_InvalidOperation() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => _entities.UpdateAsync(StatePath, s => s));

    [Fact]
    public async Task CreateAsync_Existing_ReturnsStoredAndOverwritesNothing()
    {
        await _entities.CreateAsync(StatePath, Lifecycle.New("run"));
        await _entities.UpdateAsync(StatePath, s => Lifecycle.Claim(s, "w1", _entities.Now, TimeSpan.FromSeconds(10)));
        var again = await _entities.CreateAsync(StatePath, Lifecycle.New("run"));
        Assert.Equal((Lifecycle.Training, "w1"), (again.Status, again.Owner));
    }

    [Fact]
    public async Task ReadAsync_Missing_Null() => Assert.Null(await _entities.ReadAsync(StatePath));
}
