using System.Runtime.Intrinsics;

namespace Sae.Numerics.Tests;

public class PhiloxTests
{
    /// <summary>Random123 kat_vectors, "philox4x32 10": counter[4], key[2] → output[4].</summary>
    public static TheoryData<uint[], uint[], uint[]> KnownAnswers => new()
    {
        { [0u, 0u, 0u, 0u], [0u, 0u], [0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u] },
        { [0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu], [0xffffffffu, 0xffffffffu], [0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu] },
        { [0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u], [0xa4093822u, 0x299f31d0u], [0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u] },
    };

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void Block_Random123KnownAnswerVectors_Match(uint[] counter, uint[] key, uint[] expected)
    {
        var output = new uint[4];
        Philox.Block(counter, key, output);
        Assert.Equal(expected, output);
    }

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void SeedStreamIndexMapping_KnownAnswerVectors_Match(uint[] counter, uint[] key, uint[] expected)
    {
        ulong seed = key[0] | (ulong)key[1] << 32;
        ulong index = counter[0] | (ulong)counter[1] << 32;
        ulong stream = counter[2] | (ulong)counter[3] << 32;
        var output = new uint[4];
        Philox.Block(seed, stream, index, output);
        Assert.Equal(expected, output);
    }

    [Theory]
    [MemberData(nameof(KnownAnswers))]
    public void SimdBlocks_KnownAnswerVectors_MatchInEveryLane(uint[] counter, uint[] key, uint[] expected)
    {
        ulong index = counter[0] | (ulong)counter[1] << 32;
        ulong stream = counter[2] | (ulong)counter[3] << 32;
        var w512 = PhiloxSimd.Blocks512(index, stream, key[0], key[1]);
        var w256 = PhiloxSimd.Blocks256(index, stream, key[0], key[1]);
        var w128 = PhiloxSimd.Blocks128(index, stream, key[0], key[1]);
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(expected[k], w512.GetElement(k));
            Assert.Equal(expected[k], w256.GetElement(k));
            Assert.Equal(expected[k], w128.GetElement(k));
        }
    }

    [Fact]
    public void SimdBlocks_ConsecutiveBlocks_MatchScalarBlocks()
    {
        ulong seed = 0x0123456789abcdef, stream = 0xfedcba9876543210;
        foreach (ulong start in new ulong[] { 0, 1, 0xfffffffe, 0xffffffff, 0x1_0000_0000, ulong.MaxValue / 4 - 3 })
        {
            var w512 = PhiloxSimd.Blocks512(start, stream, (uint)seed, (uint)(seed >> 32));
            var w256 = PhiloxSimd.Blocks256(start, stream, (uint)seed, (uint)(seed >> 32));
            var w128 = PhiloxSimd.Blocks128(start, stream, (uint)seed, (uint)(seed >> 32));
            for (int b = 0; b < 4; b++)
            {
                var s = Philox.Words(seed, stream, start + (ulong)b);
                for (int k = 0; k < 4; k++)
                {
                    Assert.Equal(s.GetElement(k), w512.GetElement(4 * b + k));
                    if (b < 2)
                        Assert.Equal(s.GetElement(k), w256.GetElement(4 * b + k));
                    if (b < 1)
                        Assert.Equal(s.GetElement(k), w128.GetElement(4 * b + k));
                }
            }
        }
    }

    [Fact]
    public void Block_WrongLengths_ThrowNamingArgument()
    {
        Assert.Equal("counter", Assert.Throws<ArgumentException>(() => Philox.Block(new uint[3], new uint[2], new uint[4])).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => Philox.Block(new uint[4], new uint[1], new uint[4])).ParamName);
        var e = Assert.Throws<ArgumentException>(() => Philox.Block(1, 2, 3, new uint[5]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("output has length 5 but must be 4 words = 4", e.Message, StringComparison.Ordinal);
    }
}
