using System.Runtime.InteropServices;

namespace Sae.Matching;

/// <summary>
/// The solver's scratch memory: 64-byte aligned native blocks, all freed together by
/// <see cref="Dispose"/>. The kernels hold raw pointers for the whole solve; native memory makes
/// that lifetime explicit (a pinned managed array is freed by the GC as soon as nothing references
/// it, even while a pointer into it is still in use).
/// </summary>
internal sealed unsafe class NativeArena : IDisposable
{
    private readonly List<nint> _blocks = [];
    private bool _disposed;

    /// <summary>Uninitialised space for <paramref name="count"/> values (at least one), valid until <see cref="Dispose"/>.</summary>
    public T* Allocate<T>(long count) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        void* p = NativeMemory.AlignedAlloc((nuint)(Math.Max(count, 1) * sizeof(T)), 64);
        _blocks.Add((nint)p);
        return (T*)p;
    }

    /// <summary>Frees every block.</summary>
    public void Dispose()
    {
        foreach (nint p in _blocks)
            NativeMemory.AlignedFree((void*)p);
        _blocks.Clear();
        _disposed = true;
    }
}
