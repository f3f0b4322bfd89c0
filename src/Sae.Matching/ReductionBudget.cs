namespace Sae.Matching;

/// <summary>
/// When to stop a pass of augmenting row reduction. Early in a pass nearly every step assigns a
/// row; later a step mostly displaces another assigned row, and the steps per newly assigned row
/// climb steeply (at n = 16K planted cosines: ~180 near 90% of the free rows, ~2,800 near 98%),
/// while a row left to the shortest-path phase costs a few thousand row scans, each about three
/// times a reduction step. So the pass stops once the last <see cref="Window"/> assignments took
/// more than n/<see cref="Divisor"/> steps each (Divisor measured: 2 beat 4 and 8 by 5–10% at 8K
/// and 16K), and in any case after <see cref="StepsPerRow"/>·n steps (floating-point duals can creep
/// down by one rounding unit per step, so a pass needs a bound). Stopping early never affects
/// optimality: the rows left free go to the shortest-path phase.
/// </summary>
internal sealed class ReductionBudget
{
    /// <summary>Number of recent assignments the rate is measured over.</summary>
    public const int Window = 16;

    /// <summary>Steps per assigned row above which the pass stops is n / Divisor.</summary>
    public const int Divisor = 2;

    /// <summary>Hard bound: steps per pass, per row of the problem.</summary>
    public const int StepsPerRow = 32;

    private readonly long[] _recent = new long[Window]; // steps of the last Window assignments (a ring)
    private readonly long _window, _limit;
    private int _oldest;

    /// <summary>A budget for one pass over a problem with <paramref name="n"/> rows.</summary>
    public ReductionBudget(int n)
    {
        _window = Window * Math.Max(16, n / Divisor);
        _limit = (long)StepsPerRow * n;
    }

    /// <summary>Records that step <paramref name="step"/> assigned a row to a free column.</summary>
    public void Assigned(long step)
    {
        _recent[_oldest] = step;
        _oldest = (_oldest + 1) % Window;
    }

    /// <summary>Whether the pass should stop before step <paramref name="step"/>.</summary>
    public bool Exhausted(long step) => step >= _limit || step - _recent[_oldest] > _window;
}
