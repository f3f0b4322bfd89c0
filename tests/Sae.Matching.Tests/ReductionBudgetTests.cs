namespace Sae.Matching.Tests;

public class ReductionBudgetTests
{
    [Fact]
    public void Exhausted_SteadyAssignments_NeverBeforeTheHardLimit()
    {
        const int n = 1000;
        var budget = new ReductionBudget(n);
        for (long step = 0; step < (long)ReductionBudget.StepsPerRow * n; step++)
        {
            Assert.False(budget.Exhausted(step), $"stopped at step {step}");
            if (step % 10 == 0)
                budget.Assigned(step);
        }
        Assert.True(budget.Exhausted((long)ReductionBudget.StepsPerRow * n));
    }

    [Fact]
    public void Exhausted_NoAssignmentForAWindow_Stops()
    {
        const int n = 8000;
        long window = ReductionBudget.Window * (n / ReductionBudget.Divisor);
        var budget = new ReductionBudget(n);
        Assert.False(budget.Exhausted(window));
        Assert.True(budget.Exhausted(window + 1));
        budget.Assigned(window + 1); // one assignment is not a rate: the window still holds older ones
        Assert.True(budget.Exhausted(window + 2));
    }

    [Fact]
    public void Exhausted_SlowAssignments_Stops()
    {
        const int n = 8000;
        long perRow = n / ReductionBudget.Divisor;
        var budget = new ReductionBudget(n);
        long step = 0;
        for (int k = 0; k < 3 * ReductionBudget.Window; k++, step += perRow + 1)
        {
            if (budget.Exhausted(step))
                return;
            budget.Assigned(step);
        }
        Assert.Fail("a pass assigning one row per n/Divisor + 1 steps should stop");
    }
}
