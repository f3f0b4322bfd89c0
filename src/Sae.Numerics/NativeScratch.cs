using System.Runtime.InteropServices;

namespace Sae.Numerics;

/// <summary>
/// A 64-byte aligned native buffer that grows on demand and is reused, so kernels that need packing
/// space allocate once per thread rather than once per call. Not thread-safe: keep one per thread
/// (see <see cref="ForThread"/>).
/// </summary>
internal sealed unsafe class NativeScratch : IDisposable
{
    [ThreadStatic]
    private static NativeScratch?[]? s_perThread;

    private float* _data;
    private long _capacity;

    /// <summary>This thread's scratch buffer number <paramref name="slot"/> (0..3).</summary>
    public static NativeScratch ForThread(int slot)
    {
        s_perThread ??= new NativeScratch?[4];
        return s_perThread[slot] ??= new NativeScratch();
    }

    /// <summary>Returns space for at least <paramref name="floats"/> values (contents undefined).</summary>
    public float* Get(long floats)
    {
        if (floats > _capacity)
        {
            Free();
            long grown = Math.Max(floats, _capacity + _capacity / 2);
            _data = (float*)NativeMemory.AlignedAlloc((nuint)(grown * sizeof(float)), 64);
            _capacity = grown;
        }
        return _data;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~NativeScratch() => Free();

    private void Free()
    {
        if (_data != null)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
            _capacity = 0;
        }
    }
}
