using System.Net;
using System.Net.Sockets;

namespace ShortRange.Linux.Sockets;

/// <summary>
/// An <see cref="EndPoint"/> whose <see cref="Serialize"/> yields a raw Linux sockaddr, so the runtime's own
/// Socket.Bind/ConnectAsync/AcceptAsync (epoll engine, EINPROGRESS + SO_ERROR handling) work for families .NET does not know.
/// <see cref="AddressFamily"/> mirrors the wrapped Socket's (the runtime only checks they are equal).
/// </summary>
public sealed class NativeEndPoint : EndPoint
{
    private readonly byte[] _sockaddr;
    private readonly AddressFamily _dotnetFamily;

    public NativeEndPoint(ReadOnlySpan<byte> sockaddr, AddressFamily dotnetFamily)
    {
        _sockaddr = sockaddr.ToArray();
        _dotnetFamily = dotnetFamily;
    }

    public override AddressFamily AddressFamily => _dotnetFamily;

    /// <summary>The raw sockaddr bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _sockaddr;

    public override SocketAddress Serialize()
    {
        var sa = new SocketAddress(_dotnetFamily, _sockaddr.Length);
        // Overwrite every byte, family included, so the kernel sees exactly our sockaddr.
        for (int i = 0; i < _sockaddr.Length; i++) sa[i] = _sockaddr[i];
        return sa;
    }

    public override EndPoint Create(SocketAddress socketAddress)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        var bytes = new byte[socketAddress.Size];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = socketAddress[i];
        return new NativeEndPoint(bytes, _dotnetFamily);
    }

    public override string ToString() => $"{LinuxAddressFamily.Name(_sockaddr.Length >= 2 ? _sockaddr[0] | (_sockaddr[1] << 8) : 0)}[{Convert.ToHexString(_sockaddr)}]";
}
