namespace Sae.Numerics;

/// <summary>
/// Philox4x32-10 words of consecutive blocks at one vector width (<see cref="PhiloxSimd"/>), so the
/// random fills write their loop once and instantiate it per width. Integer arithmetic only: every
/// width gives the words of <see cref="Philox.Words"/>.
/// </summary>
/// <typeparam name="TVec">The float vector of the same width, e.g. <c>Vector512&lt;float&gt;</c>.</typeparam>
internal interface IPhiloxWidth<TVec>
    where TVec : struct
{
    /// <summary>Whole blocks (4 words each) in one vector.</summary>
    static abstract int Blocks { get; }

    /// <summary>Stores the words of blocks block0 .. block0 + <see cref="Blocks"/> − 1 at <paramref name="destination"/> + <paramref name="offset"/> (unchecked).</summary>
    static abstract void StoreWords(ulong block0, ulong stream, uint k0, uint k1, ref uint destination, nuint offset);

    /// <summary>The same words shifted right by 8 and converted to float: integers in [0, 2²⁴), exact.</summary>
    static abstract TVec High24(ulong block0, ulong stream, uint k0, uint k1);
}
