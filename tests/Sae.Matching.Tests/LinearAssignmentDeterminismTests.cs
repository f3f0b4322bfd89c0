namespace Sae.Matching.Tests;

/// <summary>
/// The assignment is a function of the input alone: these fingerprints were taken with AVX-512 and
/// must come out the same with DOTNET_EnableAVX512=0 and DOTNET_EnableHWIntrinsic=0 (run the suite
/// under both). Tie-heavy inputs make any difference in tie-breaking between widths show.
/// </summary>
public class LinearAssignmentDeterminismTests
{
    [Theory]
    [InlineData("integers0-2", 200, 200, 8366499628212779583UL)]
    [InlineData("integers0-2", 150, 260, 18201074956599612180UL)]
    [InlineData("constant", 100, 100, 9862083418086604053UL)]
    [InlineData("uniform", 300, 300, 17626318462651162065UL)]
    public void SolveDense_FixedInput_SameAssignmentOnEveryWidth(string kind, int rows, int cols, ulong expected)
    {
        var s = kind switch
        {
            "integers0-2" => Matrices.Integers(rows, cols, 17, 3),
            "constant" => Matrices.Constant(rows, cols, 0.5f),
            _ => Matrices.Uniform(rows, cols, 17),
        };
        var a = LinearAssignment.SolveDense(s, rows, cols);
        Assert.Equal(expected, Fingerprint(a.RowToColumn));
    }

    private static ulong Fingerprint(int[] rowToColumn)
    {
        ulong h = 14695981039346656037UL; // FNV-1a
        foreach (int j in rowToColumn)
            h = (h ^ (uint)j) * 1099511628211UL;
        return h;
    }
}
