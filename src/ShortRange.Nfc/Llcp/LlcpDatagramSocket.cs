using System.Net.Sockets;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Sockets;
using static ShortRange.Linux.Sockets.NfcSocketConstants;

namespace ShortRange.Nfc.Llcp;

/// <summary>One connectionless LLCP datagram (UI PDU) and the peer SAP it came from.</summary>
public sealed record LlcpDatagram(byte RemoteSap, byte[] Data);

/// <summary>
/// A connectionless LLCP socket (SOCK_DGRAM; UI PDUs) bound to a service name on one device. Well-known names have their
/// SAP at once; other names get one (16–31) when the peer looks them up (NFC_CMD_LLC_SDREQ), so each side resolves the
/// other's name before sending. The kernel's sockaddr convention for datagrams is "as received": <c>ssap</c> is the
/// remote SAP and <c>dsap</c> the local one (llcp_sock_sendmsg / llcp_sock_recvmsg); this class hides that.
/// A datagram longer than the link MIU is split by the kernel into several UI PDUs, each delivered as its own datagram,
/// so <see cref="SendToAsync"/> refuses more than <see cref="MaxDatagramLength"/> bytes.
/// </summary>
public sealed class LlcpDatagramSocket : IDisposable
{
    private readonly NativeSocket _socket;
    private readonly string _context;
    private readonly byte[] _receive = new byte[4096];

    private LlcpDatagramSocket(NativeSocket socket, uint deviceIndex, string serviceName)
    {
        _socket = socket;
        DeviceIndex = deviceIndex;
        ServiceName = serviceName;
        _context = $"datagram '{serviceName}' on {NfcNetlinkCodec.DeviceName(deviceIndex)}";
    }

    public uint DeviceIndex { get; }

    public string ServiceName { get; }

    /// <summary>Longest payload sent as one datagram (default 128, the LLCP default link MIU).</summary>
    public int MaxDatagramLength { get; set; } = LlcpServiceNames.DefaultMiu;

    /// <summary>The bound SAP, or <see cref="LlcpServiceNames.Unbound"/> until a peer has looked the name up.</summary>
    public byte LocalSap => NfcLlcpSocketAddress.Read(_socket.GetLocalAddress()).Ssap;

    /// <summary>Binds <paramref name="serviceName"/> on device <paramref name="deviceIndex"/>.</summary>
    public static LlcpDatagramSocket Bind(uint deviceIndex, string serviceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        var s = NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Dgram, NFC_SOCKPROTO_LLCP);
        var d = new LlcpDatagramSocket(s, deviceIndex, serviceName);
        try
        {
            s.Bind(new NfcLlcpSocketAddress(deviceIndex, 0, NFC_PROTO_NFC_DEP, 0, 0, serviceName));
            return d;
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw NfcSocketErrors.From("bind", e, d._context);
        }
        catch
        {
            s.Dispose(); // e.g. a service name longer than 63 bytes
            throw;
        }
    }

    /// <summary>Sends one datagram to <paramref name="remoteSap"/> on the peer (the DEP link must be up).</summary>
    public async ValueTask SendToAsync(byte remoteSap, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (remoteSap is < 2 or > 63) throw new ArgumentOutOfRangeException(nameof(remoteSap), "LLCP SAPs are 2–63");
        if (data.Length > MaxDatagramLength)
            throw new ArgumentOutOfRangeException(nameof(data), $"{data.Length} bytes exceed MaxDatagramLength {MaxDatagramLength} (the link MIU)");
        byte local = LocalSap;
        if (local >= 64) throw NfcSocketErrors.From("sendto", Errno.EADDRNOTAVAIL, $"{_context}: no SAP yet (the peer must look the name up first)");
        // "As received" convention: dsap = our SAP, ssap = the destination (see the class remarks).
        var to = new NfcLlcpSocketAddress(DeviceIndex, 0, NFC_PROTO_NFC_DEP, local, remoteSap, "");
        try
        {
            await _socket.Socket.SendToAsync(data, SocketFlags.None, new NativeEndPoint(to.ToBytes(), _socket.Socket.AddressFamily),
                cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw NfcSocketErrors.From("sendto", e, _context);
        }
    }

    /// <summary>Receives one datagram and the SAP it came from.</summary>
    public async ValueTask<LlcpDatagram> ReceiveFromAsync(CancellationToken cancellationToken = default)
    {
        var any = new NativeEndPoint(new NfcLlcpSocketAddress(DeviceIndex, 0, 0, 0, 0, "").ToBytes(), _socket.Socket.AddressFamily);
        try
        {
            var r = await _socket.Socket.ReceiveFromAsync(_receive, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            byte remote = r.RemoteEndPoint is NativeEndPoint ep && ep.Bytes.Length >= NfcLlcpSocketAddress.SizeOf
                ? ep.Bytes[17] // sockaddr_nfc_llcp.ssap: the sender's SAP
                : (byte)0;
            return new LlcpDatagram(remote, _receive.AsSpan(0, r.ReceivedBytes).ToArray());
        }
        catch (SocketException e)
        {
            throw NfcSocketErrors.From("recvfrom", e, _context);
        }
    }

    public void Dispose() => _socket.Dispose();
}
