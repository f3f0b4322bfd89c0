namespace Sae.Cluster.Tests;

/// <summary>Heartbeats driven by the manual clock: a beat happens exactly when the test advances a third of the lease.</summary>
public sealed class LeaseKeeperTests : IDisposable
{
    private const string StatePath = "sweeps/s/runs/r/state.json";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    // a guard against a hang if the code under test never signals; the tests never wait this long when they pass
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private readonly TempDir _dir = new();
    private readonly ManualTime _time = new();
    private readonly FileBlobStore _blobs;
    private readonly EntityStore _entities;
    private readonly InMemoryWorkQueue _queue;

    public LeaseKeeperTests()
    {
        _blobs = new FileBlobStore(_dir.Path);
        _entities = new EntityStore(_blobs, _time);
        _queue = new InMemoryWorkQueue("train", _time);
    }

    public void Dispose()
    {
        _blobs.Dispose();
        _dir.Dispose();
    }

    private async Task<QueueMessage> ClaimAsync()
    {
        await _entities.CreateAsync(StatePath, Lifecycle.New("run"));
        await _entities.UpdateAsync(StatePath, s => Lifecycle.Claim(s, "w1", _time.GetUtcNow(), Lease));
        await _queue.SendAsync("job");
        return (await _queue.ReceiveAsync(Lease))!;
    }

    [Fact]
    public async Task Beat_AfterAThirdOfTheLease_RenewsStateAndMessage()
    {
        var message = await ClaimAsync();
        var beats = Channel();
        var keeper = new LeaseKeeper(_entities, _queue, message, [StatePath], "w1", Lease, n => beats.Writer.TryWrite(n), CancellationToken.None);
        await using (keeper)
        {
            await _time.WhenTimersAsync(1).WaitAsync(Guard);
            _time.Advance(Lease / 3 - TimeSpan.FromTicks(1));
            Assert.False(beats.Reader.TryRead(out _));

            _time.Advance(TimeSpan.FromTicks(1));
            await beats.Reader.ReadAsync().AsTask().WaitAsync(Guard);

            var state = await _entities.ReadAsync(StatePath);
            Assert.Equal(ManualTime.Start + Lease / 3 + Lease, state?.LeaseUntil);
            Assert.Equal("w1", state?.Owner);
            Assert.NotEqual(message.Receipt, keeper.Message.Receipt);
            Assert.False(keeper.Lost);
            Assert.False(keeper.Token.IsCancellationRequested);
        }
        Assert.Equal(0, _time.ActiveTimers);
        // the beat at 10 s hid the message until 40 s: still hidden at 30 s, where the first receive would have let it go
        _time.Advance(Lease - Lease / 3);
        Assert.Null(await _queue.ReceiveAsync(Lease));
        _time.Advance(Lease / 3);
        Assert.Equal(2, (await _queue.ReceiveAsync(Lease))?.DequeueCount);
    }

    [Fact]
    public async Task Beat_ClaimTakenOver_LostAndTokenCancelled()
    {
        var message = await ClaimAsync();
        var keeper = new LeaseKeeper(_entities, _queue, message, [StatePath], "w1", Lease, _ => { }, CancellationToken.None);
        await using (keeper)
        {
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = keeper.Token.Register(() => cancelled.TrySetResult());
            await _time.WhenTimersAsync(1).WaitAsync(Guard);
            // another worker takes the run over (as after a stall): the next beat must notice
            await _entities.UpdateAsync(StatePath, s => Lifecycle.Claim(Lifecycle.Expire(s, _time.GetUtcNow(), takeOver: true)!, "w2", _time.GetUtcNow(), Lease));

            _time.Advance(Lease / 3);
            await cancelled.Task.WaitAsync(Guard);
            Assert.True(keeper.Lost);
            Assert.Equal("w2", (await _entities.ReadAsync(StatePath))?.Owner);
        }
    }

    [Fact]
    public async Task DisposeAsync_BeforeAnyBeat_NoRenewalAndTimerGone()
    {
        var message = await ClaimAsync();
        long renewals = 0;
        var keeper = new LeaseKeeper(_entities, _queue, message, [StatePath], "w1", Lease, n => renewals += n, CancellationToken.None);
        await _time.WhenTimersAsync(1).WaitAsync(Guard);
        await keeper.DisposeAsync();
        _time.Advance(Lease);
        Assert.Equal(0, renewals);
        Assert.Equal(0, _time.ActiveTimers);
        Assert.Equal(ManualTime.Start + Lease, (await _entities.ReadAsync(StatePath))?.LeaseUntil);
    }

    private static System.Threading.Channels.Channel<long> Channel() => System.Threading.Channels.Channel.CreateUnbounded<long>();
}
