using System.Runtime.Intrinsics.X86;

namespace Sae.Numerics;

/// <summary>Which micro-kernel family the GEMM uses.</summary>
public enum GemmIsa
{
    /// <summary>Portable 4×4 kernel, separate multiply and add.</summary>
    Scalar,

    /// <summary>AVX2 + FMA, 6×16.</summary>
    Avx2,

    /// <summary>AVX-512F, 12×32.</summary>
    Avx512,
}

/// <summary>Picks the best kernel the running process may use (honours DOTNET_EnableAVX512 and DOTNET_EnableHWIntrinsic).</summary>
internal static class GemmIsaSelector
{
    public static GemmIsa Best { get; } =
        Avx512F.IsSupported ? GemmIsa.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? GemmIsa.Avx2
        : GemmIsa.Scalar;

    public static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512F.IsSupported,
        GemmIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };
}
