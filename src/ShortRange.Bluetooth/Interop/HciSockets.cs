using System.Net.Sockets;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth;

/// <summary>
/// Opens bound BTPROTO_HCI sockets (control, monitor, raw channels) through <see cref="NativeSocket"/>: the fd is
/// wrapped as a runtime <see cref="Socket"/> so reads and writes run on the runtime's epoll engine. A kernel without
/// Bluetooth gives <see cref="ShortRange.Errors.StackUnavailableException"/>.
/// </summary>
internal static class HciSockets
{
    public static Socket OpenBound(HciSocketAddress address) => OpenBoundNative(address).Socket;

    public static NativeSocket OpenBoundNative(HciSocketAddress address)
    {
        var s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BluetoothSocketConstants.BTPROTO_HCI);
        try
        {
            s.Bind(address);
            return s;
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw new BluetoothException($"bind(hci_dev={address.Device}, hci_channel={address.Channel}) on AF_BLUETOOTH/BTPROTO_HCI failed: {e.ErrorName} ({Errno.Describe(e.ErrorNumber)})", e);
        }
    }
}
