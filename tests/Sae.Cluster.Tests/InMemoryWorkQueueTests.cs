namespace Sae.Cluster.Tests;

public class InMemoryWorkQueueTests
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);

    private readonly ManualTime _time = new();
    private readonly InMemoryWorkQueue _queue;

    public InMemoryWorkQueueTests() => _queue = new InMemoryWorkQueue("train", _time);

    [Fact]
    public async Task ReceiveAsync_Empty_Null() => Assert.Null(await _queue.ReceiveAsync(Visibility));

    [Fact]
    public async Task ReceiveAsync_Received_HiddenUntilVisibilityEndsThenRedeliveredWithNewReceipt()
    {
        await _queue.SendAsync("m1");
        var first = await _queue.ReceiveAsync(Visibility);
        Assert.NotNull(first);
        Assert.Equal(("m1", 1L), (first.Body, first.DequeueCount));

        _time.Advance(Visibility - TimeSpan.FromTicks(1));
        Assert.Null(await _queue.ReceiveAsync(Visibility));

        _time.Advance(TimeSpan.FromTicks(1));
        var second = await _queue.ReceiveAsync(Visibility);
        Assert.NotNull(second);
        Assert.Equal((first.Id, "m1", 2L), (second.Id, second.Body, second.DequeueCount));
        Assert.NotEqual(first.Receipt, second.Receipt);
    }

    [Fact]
    public async Task ReceiveAsync_TwoMessages_OldestFirstAndRedeliveryGoesToBack()
    {
        await _queue.SendAsync("m1");
        await _queue.SendAsync("m2");
        Assert.Equal("m1", (await _queue.ReceiveAsync(TimeSpan.Zero))!.Body);
        Assert.Equal("m2", (await _queue.ReceiveAsync(TimeSpan.Zero))!.Body);
        Assert.Equal("m1", (await _queue.ReceiveAsync(TimeSpan.Zero))!.Body);
    }

    [Fact]
    public async Task DeleteAsync_StaleReceipt_MessageStays()
    {
        await _queue.SendAsync("m1");
        var first = (await _queue.ReceiveAsync(Visibility))!;
        _time.Advance(Visibility);
        var second = (await _queue.ReceiveAsync(Visibility))!;

        await _queue.DeleteAsync(first);
        Assert.Equal(1, await _queue.CountAsync());

        await _queue.DeleteAsync(second);
        Assert.Equal(0, await _queue.CountAsync());
        _time.Advance(Visibility);
        Assert.Null(await _queue.ReceiveAsync(Visibility));
    }

    [Fact]
    public async Task DeleteAsync_AlreadyDeleted_NoError()
    {
        await _queue.SendAsync("m1");
        var m = (await _queue.ReceiveAsync(Visibility))!;
        await _queue.DeleteAsync(m);
        await _queue.DeleteAsync(m);
        Assert.Equal(0, await _queue.CountAsync());
    }

    [Fact]
    public async Task ExtendAsync_CurrentReceipt_HidesLongerAndChangesReceipt()
    {
        await _queue.SendAsync("m1");
        var m = (await _queue.ReceiveAsync(Visibility))!;
        _time.Advance(TimeSpan.FromSeconds(20));
        var extended = await _queue.ExtendAsync(m, Visibility);
        Assert.NotEqual(m.Receipt, extended.Receipt);
        Assert.Equal((m.Id, m.DequeueCount), (extended.Id, extended.DequeueCount));

        _time.Advance(TimeSpan.FromSeconds(29)); // 49 s after receive: past the first visibility, inside the extension
        Assert.Null(await _queue.ReceiveAsync(Visibility));
        // the old receipt no longer deletes; the new one does
        await _queue.DeleteAsync(m);
        Assert.Equal(1, await _queue.CountAsync());
        await _queue.DeleteAsync(extended);
        Assert.Equal(0, await _queue.CountAsync());
    }

    [Fact]
    public async Task ExtendAsync_StaleReceipt_ThrowsQueueReceiptException()
    {
        await _queue.SendAsync("m1");
        var first = (await _queue.ReceiveAsync(Visibility))!;
        _time.Advance(Visibility);
        await _queue.ReceiveAsync(Visibility);
        var e = await Assert.ThrowsAsync<QueueReceiptException>(() => _queue.ExtendAsync(first, Visibility));
        Assert.Contains(first.Id, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtendAsync_Deleted_ThrowsQueueReceiptException()
    {
        await _queue.SendAsync("m1");
        var m = (await _queue.ReceiveAsync(Visibility))!;
        await _queue.DeleteAsync(m);
        await Assert.ThrowsAsync<QueueReceiptException>(() => _queue.ExtendAsync(m, Visibility));
    }

    [Fact]
    public async Task ExtendAsync_ZeroVisibility_VisibleAtOnce()
    {
        await _queue.SendAsync("m1");
        var m = (await _queue.ReceiveAsync(Visibility))!;
        await _queue.ExtendAsync(m, TimeSpan.Zero);
        Assert.Equal(2, (await _queue.ReceiveAsync(Visibility))?.DequeueCount);
    }

    [Fact]
    public async Task SendAsync_Delayed_InvisibleUntilDelayPasses()
    {
        await _queue.SendAsync("later", TimeSpan.FromSeconds(10));
        Assert.Equal(1, await _queue.CountAsync());
        Assert.Null(await _queue.ReceiveAsync(Visibility));
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(await _queue.ReceiveAsync(Visibility));
        _time.Advance(TimeSpan.FromSeconds(1));
        var m = await _queue.ReceiveAsync(Visibility);
        Assert.Equal(("later", 1L), (m?.Body, m?.DequeueCount ?? 0));
    }

    [Fact]
    public async Task CountAsync_VisibleAndHidden_CountsBoth()
    {
        Assert.Equal(0, await _queue.CountAsync());
        await _queue.SendAsync("a");
        await _queue.SendAsync("b", TimeSpan.FromMinutes(1));
        await _queue.SendAsync("c");
        await _queue.ReceiveAsync(Visibility);
        Assert.Equal(3, await _queue.CountAsync());
    }

    [Fact]
    public async Task SendAsync_Ids_UniqueAndNamedAfterQueue()
    {
        await _queue.SendAsync("a");
        await _queue.SendAsync("b");
        var a = (await _queue.ReceiveAsync(Visibility))!;
        var b = (await _queue.ReceiveAsync(Visibility))!;
        Assert.NotEqual(a.Id, b.Id);
        Assert.StartsWith("train", a.Id, StringComparison.Ordinal);
    }
}
