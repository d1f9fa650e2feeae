using System.Net.Sockets;
using System.Runtime.InteropServices;
using ShortRange.Errors;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth;

/// <summary>
/// Opens AF_BLUETOOTH sockets. The runtime's Socket constructor rejects AF_BLUETOOTH (proved: EAFNOSUPPORT from the
/// PAL), so the fd comes from libc socket()/bind() and is then wrapped through SafeSocketHandle so reads and writes
/// run on the runtime's epoll engine. Interim until ShortRange.Linux publishes its socket factory.
/// </summary>
internal static unsafe partial class HciSockets
{
    private const int SOCK_RAW = 3, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int bind(int fd, byte* addr, int len);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    public static Socket OpenBound(HciSocketAddress address)
    {
        int fd = socket(LinuxAddressFamily.AF_BLUETOOTH, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, BluetoothSocketConstants.BTPROTO_HCI);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is Errno.EAFNOSUPPORT or Errno.EPROTONOSUPPORT)
                throw new StackUnavailableException(Technology.Bluetooth,
                    "This kernel has no Bluetooth support (socket(AF_BLUETOOTH) failed with " + Errno.Name(errno) + "); load the bluetooth module.");
            throw Fail("socket", errno);
        }
        Span<byte> sa = stackalloc byte[HciSocketAddress.SizeOf];
        address.WriteTo(sa);
        fixed (byte* p = sa)
        {
            if (bind(fd, p, sa.Length) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                close(fd);
                throw Fail("bind(hci_dev=" + address.Device + ", hci_channel=" + address.Channel + ")", errno);
            }
        }
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    private static BluetoothException Fail(string op, int errno) =>
        new(op + " on AF_BLUETOOTH/BTPROTO_HCI failed: " + Errno.Name(errno) + " (" + Errno.Describe(errno) + ")");
}
