namespace ShortRange.Linux.Interop;

internal static unsafe partial class Libc
{
    [System.Runtime.InteropServices.LibraryImport(LibC, SetLastError = true)]
    internal static partial int getpeername(int sockfd, byte* addr, int* addrlen);
}
