using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ShortRange.Linux.Sockets;

namespace ShortRange.Linux.Tests.Sockets;

/// <summary><see cref="NativeSocketConnect"/>: connect(2) and SO_ERROR with the kernel's own errno.</summary>
public class NativeSocketConnectTests
{
    private static byte[] UnixAbstract(string name)
    {
        var n = Encoding.ASCII.GetBytes(name);
        var b = new byte[3 + n.Length];
        b[0] = LinuxAddressFamily.AF_UNIX;
        n.CopyTo(b, 3);
        return b;
    }

    [Fact]
    public void Connect_to_nobody_returns_ECONNREFUSED_and_to_a_listener_0()
    {
        using var s = NativeSocket.Create(LinuxAddressFamily.AF_UNIX, SocketType.Stream, 0);
        Assert.Equal(Errno.ECONNREFUSED, s.TryConnect(new RawSocketAddress(UnixAbstract("sr-nobody-" + Guid.NewGuid().ToString("N")))));

        var name = UnixAbstract("sr-listen-" + Guid.NewGuid().ToString("N"));
        using var listener = NativeSocket.Create(LinuxAddressFamily.AF_UNIX, SocketType.Stream, 0);
        listener.Bind(new RawSocketAddress(name));
        listener.Listen();
        using var c = NativeSocket.Create(LinuxAddressFamily.AF_UNIX, SocketType.Stream, 0);
        Assert.Equal(0, c.TryConnect(new RawSocketAddress(name)));
        Assert.Equal(0, c.TakeSocketError());
    }

    [Fact]
    public void Nonblocking_tcp_connect_is_EINPROGRESS_then_the_refusal_is_read_from_SO_ERROR()
    {
        // A closed loopback port: connect() returns EINPROGRESS (non-blocking) or ECONNREFUSED at once; when pending,
        // the refusal shows up as SO_ERROR once the socket is writable.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var sa = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(sa, 2 /* AF_INET */);
        BinaryPrimitives.WriteUInt16BigEndian(sa.AsSpan(2), (ushort)port);
        sa[4] = 127; sa[7] = 1;
        using var s = NativeSocket.Create(2, SocketType.Stream, 0);
        int rc = s.TryConnect(new RawSocketAddress(sa));
        if (rc == Errno.EINPROGRESS)
        {
            Assert.True(s.Socket.Poll(5_000_000, SelectMode.SelectWrite) || s.Socket.Poll(0, SelectMode.SelectError));
            Assert.Equal(Errno.ECONNREFUSED, s.TakeSocketError());
            Assert.Equal(0, s.TakeSocketError()); // reading SO_ERROR clears it
        }
        else
        {
            Assert.Equal(Errno.ECONNREFUSED, rc);
        }
    }
}
