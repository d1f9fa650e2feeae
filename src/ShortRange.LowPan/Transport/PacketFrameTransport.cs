using System.Buffers.Binary;
using System.Net.Sockets;
using ShortRange.Linux.Sockets;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Interop;

namespace ShortRange.LowPan.Transport;

/// <summary>
/// Raw 802.15.4 frames over an AF_PACKET SOCK_RAW socket (ShortRange.Linux <see cref="NativeSocket"/>) bound to one wpan
/// interface with protocol ETH_P_IEEE802154 (0x00F6, include/uapi/linux/if_ether.h). Received frames carry no FCS; the
/// kernel's mac802154 appends the FCS on transmit. I/O is async on the runtime's epoll engine.
/// </summary>
/// <remarks>
/// No LQI: mac802154 keeps the LQI in the skb control block (<c>mac_cb(skb)-&gt;lqi</c>, net/mac802154/rx.c), and AF_PACKET
/// delivers neither the control block nor any auxiliary data carrying it (packet_rcv reuses skb-&gt;cb for its own
/// sockaddr_ll; PACKET_AUXDATA only has VLAN and checksum fields). The kernel exposes LQI to user space only on
/// AF_IEEE802154 SOCK_DGRAM sockets with the WPAN_WANTLQI option (net/ieee802154/socket.c, a WPAN_WANTLQI cmsg).
/// </remarks>
public sealed class PacketFrameTransport : IFrameTransport
{
    private readonly NativeSocket _socket;

    private PacketFrameTransport(NativeSocket socket, string interfaceName, int interfaceIndex)
    {
        _socket = socket;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
    }

    public string InterfaceName { get; }
    public int InterfaceIndex { get; }

    /// <summary>Opens the socket on <paramref name="interfaceName"/> (for example "wpan0"). Needs CAP_NET_RAW.</summary>
    public static PacketFrameTransport Open(string interfaceName, ushort protocol = PacketSocketConstants.ETH_P_IEEE802154)
    {
        NativeSocket socket;
        // socket()'s protocol argument is in network byte order (packet(7)).
        try { socket = NativeSocket.Create(LinuxAddressFamily.AF_PACKET, SocketType.Raw, BinaryPrimitives.ReverseEndianness(protocol)); }
        catch (NativeSocketException e) { throw new LowPanSystemException("socket(AF_PACKET, SOCK_RAW)", e.ErrorNumber, e); }
        try
        {
            int index = InterfaceRequest.GetIndex(socket, interfaceName);
            try { socket.Bind(new PacketSocketAddress(protocol, index)); }
            catch (NativeSocketException e) { throw new LowPanSystemException($"bind(AF_PACKET, {interfaceName})", e.ErrorNumber, e); }
            return new PacketFrameTransport(socket, interfaceName, index);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
        await _socket.Socket.SendAsync(frame, SocketFlags.None, cancellationToken).ConfigureAwait(false);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _socket.Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
