using Microsoft.Win32.SafeHandles;

namespace ShortRange.Linux.Interop;

/// <summary>Owns one Linux file descriptor that is not a socket the runtime knows (for example a network-namespace fd).</summary>
internal sealed class SafeFdHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeFdHandle() : base(ownsHandle: true) { }

    public SafeFdHandle(int fd) : base(ownsHandle: true) => SetHandle(fd);

    protected override bool ReleaseHandle() => Libc.close((int)handle) == 0;
}
