using Sae.Cli.Commands;
using Sae.Core;

namespace Sae.Cli.Tests;

public class CompareNamingTests
{
    [Fact]
    public void Derive_CollidingDirectoryNames_TakeParentsThenSuffixes()
    {
        var names = SaeNames.Derive(["/x/runA/seed0", "/x/runB/seed0/", "/y/seed1/sae.safetensors", "/y/other.safetensors", "/x/runA/seed0", "/z/a b"]);
        Assert.Equal(["runA-seed0", "runB-seed0", "seed1", "other", "runA-seed0-2", "a_b"], names);
    }

    [Theory]
    [InlineData("8GiB", 8L << 30)]
    [InlineData("512 MiB", 512L << 20)]
    [InlineData("1.5GB", 1_500_000_000L)]
    [InlineData("1000", 1000L)]
    [InlineData("2kib", 2048L)]
    public void ByteSizeParse_ValidSizes(string text, long expected) =>
        Assert.Equal(expected, ByteSize.Parse(text, "--memory-budget"));

    [Theory]
    [InlineData("8XB")]
    [InlineData("GiB")]
    [InlineData("-1GiB")]
    [InlineData("0")]
    [InlineData("99999999TiB")]
    public void ByteSizeParse_Invalid_NamesTheOption(string text)
    {
        var e = Assert.Throws<SaeInputException>(() => ByteSize.Parse(text, "--memory-budget"));
        Assert.StartsWith("--memory-budget must be", e.Message, StringComparison.Ordinal);
    }
}
