using System.Runtime.CompilerServices;

namespace Sae.Numerics;

/// <summary>
/// Argument validation shared by every kernel. Kernels validate up front, before touching any
/// buffer, and the message names the argument, the expected size and where that size comes from,
/// so a caller sees "c has length 11 but must be m·n = 3·4 = 12" rather than an index exception.
/// </summary>
internal static class Check
{
    /// <summary>Throws when <paramref name="value"/> is negative.</summary>
    public static void NonNegative(int value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 0 (got {value}).");
    }

    /// <summary>Throws when <paramref name="value"/> is not at least one.</summary>
    public static void Positive(int value, [CallerArgumentExpression(nameof(value))] string name = "")
    {
        if (value < 1)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1 (got {value}).");
    }

    /// <summary>Throws when a thread count is below one.</summary>
    public static void Threads(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads must be >= 1 (got {threads}).");
    }

    /// <summary>Throws when a span's length differs from <paramref name="expected"/>; <paramref name="what"/> explains the size, e.g. "m·k = 3·4".</summary>
    public static void Length(int actual, long expected, string what, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has length {actual} but must be {what} = {expected}.", name);
    }

    /// <summary>Throws when a span is shorter than <paramref name="required"/>.</summary>
    public static void AtLeast(int actual, long required, string what, string name)
    {
        if (actual < required)
            throw new ArgumentException($"{name} has length {actual} but must be at least {what} = {required}.", name);
    }

    /// <summary>Product of two dimensions, rejecting results that do not fit a span.</summary>
    public static long Product(int a, int b, string what)
    {
        long p = (long)a * b;
        if (p > int.MaxValue)
            throw new ArgumentException($"{what} = {a}·{b} = {p} elements exceeds the largest span ({int.MaxValue}).");
        return p;
    }
}
