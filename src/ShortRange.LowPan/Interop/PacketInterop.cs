using System.Runtime.InteropServices;

namespace ShortRange.LowPan.Interop;

/// <summary>
/// The two libc calls the AF_PACKET transport needs until ShortRange.Linux exposes a public socket factory
/// (socket(2), bind(2)); if_nametoindex(3) for the interface index. C names on purpose.
/// </summary>
internal static unsafe partial class PacketInterop
{
    private const string LibC = "libc";
    internal const int AF_PACKET = 17;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int bind(int sockfd, byte* addr, int addrlen);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint if_nametoindex(string ifname);
}
