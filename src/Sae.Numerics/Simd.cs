using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Sae.Numerics;

/// <summary>
/// The <see cref="ISimd{TVec}"/> widths. Callers pick the widest accelerated one with
/// <see cref="Vector512.IsHardwareAccelerated"/> → <see cref="Vector256"/> → <see cref="Vector128"/>
/// → <see cref="W1"/>; every width performs the same per-element operations, so results do not
/// depend on which one ran.
/// </summary>
internal static class Simd
{
    /// <summary>512-bit vectors (16 floats).</summary>
    internal readonly struct W512 : ISimd<Vector512<float>>
    {
        public static int Count => Vector512<float>.Count;
        public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
        public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        public static Vector512<float> Splat(float value) => Vector512.Create(value);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
        public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
        public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
        public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);
        public static Vector512<float> IfLessThan(Vector512<float> value, Vector512<float> limit, Vector512<float> otherwise) => Vector512.ConditionalSelect(Vector512.LessThan(value, limit), value, otherwise);
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.FusedMultiplyAdd(a, b, addend);
        public static ulong GreaterThanMask(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b).ExtractMostSignificantBits();
        public static ulong GreaterThanOrEqualMask(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    }

    /// <summary>256-bit vectors (8 floats).</summary>
    internal readonly struct W256 : ISimd<Vector256<float>>
    {
        public static int Count => Vector256<float>.Count;
        public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
        public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        public static Vector256<float> Splat(float value) => Vector256.Create(value);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
        public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
        public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
        public static Vector256<float> Sqrt(Vector256<float> value) => Vector256.Sqrt(value);
        public static Vector256<float> IfLessThan(Vector256<float> value, Vector256<float> limit, Vector256<float> otherwise) => Vector256.ConditionalSelect(Vector256.LessThan(value, limit), value, otherwise);
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.FusedMultiplyAdd(a, b, addend);
        public static ulong GreaterThanMask(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b).ExtractMostSignificantBits();
        public static ulong GreaterThanOrEqualMask(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    }

    /// <summary>128-bit vectors (4 floats).</summary>
    internal readonly struct W128 : ISimd<Vector128<float>>
    {
        public static int Count => Vector128<float>.Count;
        public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);
        public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);
        public static Vector128<float> Splat(float value) => Vector128.Create(value);
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;
        public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
        public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
        public static Vector128<float> Sqrt(Vector128<float> value) => Vector128.Sqrt(value);
        public static Vector128<float> IfLessThan(Vector128<float> value, Vector128<float> limit, Vector128<float> otherwise) => Vector128.ConditionalSelect(Vector128.LessThan(value, limit), value, otherwise);
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.FusedMultiplyAdd(a, b, addend);
        public static ulong GreaterThanMask(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThan(a, b).ExtractMostSignificantBits();
        public static ulong GreaterThanOrEqualMask(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThanOrEqual(a, b).ExtractMostSignificantBits();
    }

    /// <summary>Width 1: the scalar fallback, same loop, same per-element operations.</summary>
    internal readonly struct W1 : ISimd<float>
    {
        public static int Count => 1;
        public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);
        public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;
        public static float Splat(float value) => value;
        public static float Add(float a, float b) => a + b;
        public static float Subtract(float a, float b) => a - b;
        public static float Multiply(float a, float b) => a * b;
        public static float Divide(float a, float b) => a / b;
        public static float Sqrt(float value) => MathF.Sqrt(value);
        public static float IfLessThan(float value, float limit, float otherwise) => value < limit ? value : otherwise;
        public static float MultiplyAdd(float a, float b, float addend) => MathF.FusedMultiplyAdd(a, b, addend);
        public static ulong GreaterThanMask(float a, float b) => a > b ? 1UL : 0UL;
        public static ulong GreaterThanOrEqualMask(float a, float b) => a >= b ? 1UL : 0UL;
    }
}
