namespace Sae.Matching.Tests;

public class AssignmentTests
{
    [Fact]
    public void CandidateGraph_WrongRowStart_Throws() =>
        Assert.Throws<ArgumentException>(() => new CandidateGraph(2, 2, [0, 1], [0], [1f], [0f, 0f]));
}
