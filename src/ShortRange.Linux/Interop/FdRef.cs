using System.Runtime.InteropServices;

namespace ShortRange.Linux.Interop;

/// <summary>
/// Holds a reference on a SafeHandle while its raw descriptor is used in a libc call, so a concurrent Dispose
/// cannot close (and the kernel cannot reuse) the number underneath us.
/// </summary>
internal readonly ref struct FdRef
{
    private readonly SafeHandle _handle;
    private readonly bool _added;

    public FdRef(SafeHandle handle)
    {
        _handle = handle;
        bool added = false;
        handle.DangerousAddRef(ref added); // throws ObjectDisposedException once closed
        _added = added;
        Fd = (int)handle.DangerousGetHandle();
    }

    public int Fd { get; }

    public void Dispose()
    {
        if (_added) _handle.DangerousRelease();
    }
}
