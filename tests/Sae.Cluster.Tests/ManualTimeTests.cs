namespace Sae.Cluster.Tests;

public class ManualTimeTests
{
    [Fact]
    public void Advance_Duration_NowMovesByExactlyThat()
    {
        var time = new ManualTime();
        long started = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Equal(ManualTime.Start + TimeSpan.FromMilliseconds(1500), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromMilliseconds(1500), time.GetElapsedTime(started));
    }

    [Fact]
    public async Task Delay_WithManualTime_CompletesOnlyWhenAdvancedPastIt()
    {
        var time = new ManualTime();
        var delay = Task.Delay(TimeSpan.FromSeconds(10), time);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(delay.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresOncePerPeriodAtItsDueTime()
    {
        var time = new ManualTime();
        var fired = new List<DateTimeOffset>();
        using var timer = time.CreateTimer(_ => fired.Add(time.GetUtcNow()), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal([2, 5, 8], fired.Select(t => (t - ManualTime.Start).TotalSeconds));
        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(3, fired.Count);
    }

    [Fact]
    public async Task WhenTimersAsync_TimerCreatedLater_Completes()
    {
        var time = new ManualTime();
        var waiting = time.WhenTimersAsync(1);
        Assert.False(waiting.IsCompleted);
        using var timer = time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        await waiting.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
