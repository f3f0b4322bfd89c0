namespace Sae.Cluster.Tests;

/// <summary>
/// A clock that moves only when a test calls <see cref="Advance"/>. Timers created through it (PeriodicTimer,
/// Task.Delay with this provider) fire inside <see cref="Advance"/>, in due order, so code driven by them runs
/// exactly when the test says and never on the wall clock.
/// </summary>
internal sealed class ManualTime : TimeProvider
{
    /// <summary>The start of every test's clock: a fixed instant, so expected times can be written down.</summary>
    public static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _timerWaiters = [];
    private DateTimeOffset _now;

    public ManualTime(DateTimeOffset? start = null) => _now = start ?? Start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
            return _now;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Timers created and not disposed.</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_gate)
                return _timers.Count;
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> timers exist (code under test creates them on other threads).</summary>
    public Task WhenTimersAsync(int count)
    {
        lock (_gate)
        {
            if (_timers.Count >= count)
                return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _timerWaiters.Add((count, done));
            return done.Task;
        }
    }

    /// <summary>Moves the clock forward by <paramref name="by"/>, firing every timer that falls due on the way, at its due time.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
            target = _now + by;
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                due = _timers.Where(t => t.Due <= target).MinBy(t => t.Due);
                if (due is null)
                {
                    _now = target;
                    return;
                }
                if (due.Due > _now)
                    _now = due.Due;
                due.Due = due.Period > TimeSpan.Zero ? due.Due + due.Period : DateTimeOffset.MaxValue;
            }
            // outside the lock: the callback may read the clock or change timers
            due.Fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_gate)
        {
            _timers.Add(timer);
            foreach (var waiter in _timerWaiters.Where(w => _timers.Count >= w.Count).ToArray())
            {
                _timerWaiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
        return timer;
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
            _timers.Remove(timer);
    }

    private sealed class ManualTimer(ManualTime clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; } = DateTimeOffset.MaxValue;

        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : clock._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            }
            return true;
        }

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
