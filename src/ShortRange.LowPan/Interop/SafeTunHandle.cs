using Microsoft.Win32.SafeHandles;

namespace ShortRange.LowPan.Interop;

/// <summary>Owns the /dev/net/tun descriptor; closing it deletes the (non-persistent) interface.</summary>
internal sealed class SafeTunHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeTunHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

    protected override bool ReleaseHandle() => TunInterop.close((int)handle) == 0;
}
