using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using ShortRange.Linux.Sockets;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Interop;

namespace ShortRange.LowPan.Transport;

/// <summary>
/// Raw 802.15.4 frames over an AF_PACKET SOCK_RAW socket bound to one wpan interface with protocol
/// ETH_P_IEEE802154 (0x00F6, include/uapi/linux/if_ether.h). Received frames carry no FCS; the kernel's
/// mac802154 appends the FCS on transmit. The descriptor is wrapped in a runtime <see cref="Socket"/> so
/// sends and receives run on the runtime's epoll engine.
/// </summary>
public sealed class PacketFrameTransport : IFrameTransport
{
    private readonly Socket _socket;

    private PacketFrameTransport(Socket socket, string interfaceName, int interfaceIndex)
    {
        _socket = socket;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
    }

    public string InterfaceName { get; }
    public int InterfaceIndex { get; }

    /// <summary>Opens the socket on <paramref name="interfaceName"/> (for example "wpan0"). Needs CAP_NET_RAW.</summary>
    public static unsafe PacketFrameTransport Open(string interfaceName, ushort protocol = PacketSocketConstants.ETH_P_IEEE802154)
    {
        int index = (int)PacketInterop.if_nametoindex(interfaceName);
        if (index == 0) throw new LowPanSystemException($"if_nametoindex({interfaceName})", Marshal.GetLastPInvokeError());
        // socket()'s protocol argument is in network byte order (packet(7)).
        int fd = PacketInterop.socket(PacketInterop.AF_PACKET, PacketInterop.SOCK_RAW | PacketInterop.SOCK_CLOEXEC,
            BinaryPrimitives.ReverseEndianness(protocol));
        if (fd < 0) throw new LowPanSystemException("socket(AF_PACKET, SOCK_RAW)", Marshal.GetLastPInvokeError());
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            Span<byte> sll = stackalloc byte[PacketSocketAddress.SizeOf];
            new PacketSocketAddress(protocol, index).WriteTo(sll);
            fixed (byte* p = sll)
            {
                if (PacketInterop.bind(fd, p, sll.Length) < 0)
                    throw new LowPanSystemException($"bind(AF_PACKET, {interfaceName})", Marshal.GetLastPInvokeError());
            }
            return new PacketFrameTransport(new Socket(handle), interfaceName, index);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
        await _socket.SendAsync(frame, SocketFlags.None, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
