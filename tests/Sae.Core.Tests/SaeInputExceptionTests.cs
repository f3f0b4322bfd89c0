namespace Sae.Core.Tests;

public class SaeInputExceptionTests
{
    [Fact]
    public void Constructor_Message_IsKept() =>
        Assert.Equal("x.npy: truncated", new SaeInputException("x.npy: truncated").Message);
}
