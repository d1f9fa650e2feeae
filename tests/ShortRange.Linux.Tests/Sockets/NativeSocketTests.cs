using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using ShortRange.Errors;
using ShortRange.Linux.Sockets;

namespace ShortRange.Linux.Tests.Sockets;

/// <summary>Real kernel sockets on this machine (no Bluetooth/NFC/802.15.4 in its kernel; netlink, packet, unix and inet present).</summary>
public class NativeSocketTests
{
    [Theory]
    [InlineData(LinuxAddressFamily.AF_BLUETOOTH, BluetoothSocketConstants.BTPROTO_HCI, Technology.Bluetooth, "this kernel has no Bluetooth support (AF_BLUETOOTH)")]
    [InlineData(LinuxAddressFamily.AF_NFC, NfcSocketConstants.NFC_SOCKPROTO_LLCP, Technology.Nfc, "this kernel has no NFC support (AF_NFC)")]
    [InlineData(LinuxAddressFamily.AF_IEEE802154, 0, Technology.Ieee802154, "this kernel has no IEEE 802.15.4 support (AF_IEEE802154)")]
    public void Missing_family_is_StackUnavailable_with_one_sentence(int family, int protocol, Technology tech, string sentence)
    {
        Assert.SkipWhen(Directory.Exists("/sys/class/bluetooth") && family == LinuxAddressFamily.AF_BLUETOOTH, "this kernel has Bluetooth");
        var e = Assert.Throws<StackUnavailableException>(() => NativeSocket.Create(family, SocketType.Raw, protocol));
        Assert.Equal(sentence, e.Message);
        Assert.Equal(tech, e.Technology);
        var inner = Assert.IsType<NativeSocketException>(e.InnerException);
        Assert.Equal(Errno.EAFNOSUPPORT, inner.ErrorNumber);
        Assert.Equal("EAFNOSUPPORT", inner.ErrorName);
        Assert.Equal("socket", inner.Operation);
        Assert.Equal(family, inner.AddressFamily);
    }

    [Fact]
    public void Other_errors_name_operation_family_and_errno()
    {
        using var s = NativeSocket.Create(LinuxAddressFamily.AF_NETLINK, SocketType.Raw, 0);
        var e = Assert.Throws<NativeSocketException>(() => s.Bind(new NfcSocketAddress(0, 0, 0)));
        Assert.Equal("bind", e.Operation);
        Assert.Equal(Errno.EINVAL, e.ErrorNumber);
        Assert.StartsWith("bind on AF_NETLINK failed: EINVAL", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_completes_EINPROGRESS_on_epoll()
    {
        // TCP over loopback: a non-blocking connect() returns EINPROGRESS, so this proves the wait-for-writability + SO_ERROR path.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var s = NativeSocket.Create(LinuxAddressFamily.AF_INET, SocketType.Stream, 0);
        await s.ConnectAsync(new RawSocketAddress(SockaddrIn(port)), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        using var peer = await listener.AcceptSocketAsync(TestContext.Current.CancellationToken);
        await s.Socket.SendAsync(new byte[] { 42 }, SocketFlags.None, TestContext.Current.CancellationToken);
        var b = new byte[1];
        Assert.Equal(1, await peer.ReceiveAsync(b, SocketFlags.None, TestContext.Current.CancellationToken));
        Assert.Equal(42, b[0]);
    }

    [Fact]
    public async Task ConnectAsync_refused_is_typed()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)probe.LocalEndPoint!).Port; // bound, not listening: connect is refused
        using var s = NativeSocket.Create(LinuxAddressFamily.AF_INET, SocketType.Stream, 0);
        var e = await Assert.ThrowsAsync<NativeSocketException>(async () =>
            await s.ConnectAsync(new RawSocketAddress(SockaddrIn(port)), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(Errno.ECONNREFUSED, e.ErrorNumber);
        Assert.Equal("connect", e.Operation);
    }

    [Fact]
    public async Task Unix_bind_listen_accept_connect_roundtrip()
    {
        var addr = new RawSocketAddress(UnixAbstract("sr-test-" + Guid.NewGuid().ToString("N")));
        using var listener = NativeSocket.Create(LinuxAddressFamily.AF_UNIX, SocketType.Stream, 0);
        listener.Bind(addr);
        listener.Listen();
        var ct = TestContext.Current.CancellationToken;
        var acceptTask = listener.AcceptAsync(ct).AsTask();
        using var client = NativeSocket.Create(LinuxAddressFamily.AF_UNIX, SocketType.Stream, 0);
        await client.ConnectAsync(addr, TimeSpan.FromSeconds(5), ct);
        using var server = await acceptTask.WaitAsync(TimeSpan.FromSeconds(5), ct);
        Assert.Equal(LinuxAddressFamily.AF_UNIX, server.AddressFamily);
        await client.Socket.SendAsync(Encoding.ASCII.GetBytes("hi"), SocketFlags.None, ct);
        var b = new byte[2];
        Assert.Equal(2, await server.Socket.ReceiveAsync(b, SocketFlags.None, ct));
        Assert.Equal("hi", Encoding.ASCII.GetString(b));
    }

    [Fact]
    public async Task Accepted_socket_keeps_the_peer_address_accept_reported_after_the_peer_left()
    {
        // Bluetooth sockets answer getpeername with ENOTCONN once the peer has closed, so a connection that arrives, sends
        // and closes before the accept is handled must keep the address accept(2) gave (lab: RFCOMM, CI 17:48 run).
        var ct = TestContext.Current.CancellationToken;
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();
        using var listener = NativeSocket.Create(LinuxAddressFamily.AF_INET, SocketType.Stream, 0);
        listener.Bind(new RawSocketAddress(SockaddrIn(port)));
        listener.Listen();
        int clientPort;
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
            await client.SendAsync(new byte[] { 7 }, SocketFlags.None, ct);
        }
        using var server = await listener.AcceptAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct);
        var expected = SockaddrIn(clientPort); // what the runtime's own client says its end is
        Assert.Equal(expected, server.AcceptedPeerAddress!.Value.ToArray());
        Assert.Equal(expected, server.GetPeerAddress());
        var b = new byte[2];
        Assert.Equal(1, await server.Socket.ReceiveAsync(b, SocketFlags.None, ct));
        Assert.Equal(0, await server.Socket.ReceiveAsync(b, SocketFlags.None, ct));
        Assert.Null(listener.AcceptedPeerAddress);
    }

    [Fact]
    public async Task Accept_is_cancellable()
    {
        var addr = new RawSocketAddress(UnixAbstract("sr-test-" + Guid.NewGuid().ToString("N")));
        using var listener = NativeSocket.Create(LinuxAddressFamily.AF_UNIX, SocketType.Stream, 0);
        listener.Bind(addr);
        listener.Listen();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var t = listener.AcceptAsync(cts.Token).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Netlink_socket_does_async_io_and_cancels()
    {
        var ct = TestContext.Current.CancellationToken;
        using var s = NativeSocket.Create(LinuxAddressFamily.AF_NETLINK, SocketType.Raw, 0 /* NETLINK_ROUTE */);
        s.Bind(new NetlinkSocketAddress());
        Assert.Equal(LinuxAddressFamily.AF_NETLINK, BinaryPrimitives.ReadUInt16LittleEndian(s.GetLocalAddress()));

        // A receive with nothing queued is pending on epoll and completes promptly when cancelled.
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            var pending = s.Socket.ReceiveAsync(new byte[4096], SocketFlags.None, cts.Token).AsTask();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10), ct));
        }

        // RTM_GETLINK dump: nlmsghdr{len 32, type 18, flags NLM_F_REQUEST|NLM_F_DUMP, seq 7, pid 0} + ifinfomsg{0}.
        var req = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(req, 32);
        BinaryPrimitives.WriteUInt16LittleEndian(req.AsSpan(4), 18);
        BinaryPrimitives.WriteUInt16LittleEndian(req.AsSpan(6), 0x301);
        BinaryPrimitives.WriteUInt32LittleEndian(req.AsSpan(8), 7);
        await s.Socket.SendAsync(req, SocketFlags.None, ct);
        var buf = new byte[65536];
        int n = await s.Socket.ReceiveAsync(buf, SocketFlags.None, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);
        Assert.True(n >= 16);
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(buf.AsSpan(4))); // RTM_NEWLINK
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(8)));
    }

    [Fact]
    public async Task Packet_socket_on_loopback_does_async_io_and_cancels()
    {
        const ushort etherType = 0x88B5; // IEEE 802 local experimental ethertype 1
        var ct = TestContext.Current.CancellationToken;
        int lo = NetworkInterface.LoopbackInterfaceIndex;
        using var s = NativeSocket.Create(LinuxAddressFamily.AF_PACKET, SocketType.Raw, BinaryPrimitives.ReverseEndianness(etherType));
        s.Bind(new PacketSocketAddress(etherType, lo));

        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            var pending = s.Socket.ReceiveAsync(new byte[2048], SocketFlags.None, cts.Token).AsTask();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10), ct));
        }

        var frame = new byte[14 + 8];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
        var marker = Guid.NewGuid().ToByteArray().AsSpan(0, 8).ToArray();
        marker.CopyTo(frame, 14);
        var receive = ReceiveMarkerAsync(s, marker, ct);
        await s.Socket.SendAsync(frame, SocketFlags.None, ct);
        Assert.True(await receive.WaitAsync(TimeSpan.FromSeconds(10), ct));
    }

    private static async Task<bool> ReceiveMarkerAsync(NativeSocket s, byte[] marker, CancellationToken ct)
    {
        var buf = new byte[2048];
        while (true)
        {
            int n = await s.Socket.ReceiveAsync(buf, SocketFlags.None, ct);
            if (n >= 22 && buf.AsSpan(14, 8).SequenceEqual(marker)) return true;
        }
    }

    private static byte[] SockaddrIn(int port)
    {
        var b = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(b, LinuxAddressFamily.AF_INET);
        BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)port);
        b[4] = 127; b[7] = 1;
        return b;
    }

    private static byte[] UnixAbstract(string name)
    {
        var n = Encoding.ASCII.GetBytes(name);
        var b = new byte[2 + 1 + n.Length];
        b[0] = LinuxAddressFamily.AF_UNIX;
        n.CopyTo(b, 3);
        return b;
    }
}
