using System.Runtime.InteropServices;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>The two libc calls the lab probes need; kept here so the infrastructure does not depend on the SDK under test.</summary>
internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int close(int fd);
}
