using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using ShortRange.Linux.Sockets;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Interop;

/// <summary>
/// struct ifreq ioctls (include/uapi/linux/if.h, sockios.h) issued through ShortRange.Linux's <see cref="NativeSocket.IoCtl(uint, Span{byte})"/>
/// on a socket the caller already has (AF_PACKET, AF_INET6): interface index, flags, MTU. No libc import here.
/// </summary>
internal static class InterfaceRequest
{
    internal const uint SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCSIFADDR = 0x8916, SIOCSIFMTU = 0x8922, SIOCGIFINDEX = 0x8933;
    internal const short IFF_UP = 0x1;
    internal const int IFNAMSIZ = 16;
    /// <summary>sizeof(struct ifreq) on 64-bit Linux: ifr_name[16] + a 24-byte union.</summary>
    internal const int SizeOfIfreq = 40;
    /// <summary>sizeof(struct in6_ifreq) (include/uapi/linux/ipv6.h): in6_addr + u32 prefixlen + int ifindex.</summary>
    internal const int SizeOfIn6Ifreq = 24;

    public static int GetIndex(NativeSocket socket, string name)
    {
        Span<byte> ifr = stackalloc byte[SizeOfIfreq];
        Fill(ifr, name);
        Call(socket, SIOCGIFINDEX, ifr, $"SIOCGIFINDEX({name})");
        return BinaryPrimitives.ReadInt32LittleEndian(ifr[IFNAMSIZ..]);
    }

    public static void SetMtu(NativeSocket socket, string name, int mtu)
    {
        Span<byte> ifr = stackalloc byte[SizeOfIfreq];
        Fill(ifr, name);
        BinaryPrimitives.WriteInt32LittleEndian(ifr[IFNAMSIZ..], mtu);
        Call(socket, SIOCSIFMTU, ifr, $"SIOCSIFMTU({name})");
    }

    public static void SetUp(NativeSocket socket, string name)
    {
        Span<byte> ifr = stackalloc byte[SizeOfIfreq];
        Fill(ifr, name);
        Call(socket, SIOCGIFFLAGS, ifr, $"SIOCGIFFLAGS({name})");
        short flags = BinaryPrimitives.ReadInt16LittleEndian(ifr[IFNAMSIZ..]);
        BinaryPrimitives.WriteInt16LittleEndian(ifr[IFNAMSIZ..], (short)(flags | IFF_UP));
        Call(socket, SIOCSIFFLAGS, ifr, $"SIOCSIFFLAGS({name})");
    }

    /// <summary>SIOCSIFADDR with a struct in6_ifreq on an AF_INET6 socket (what `ip -6 addr add` did before rtnetlink).</summary>
    public static void AddIpv6Address(NativeSocket inet6, int interfaceIndex, ReadOnlySpan<byte> address, int prefixLength)
    {
        Span<byte> req = stackalloc byte[SizeOfIn6Ifreq];
        address.CopyTo(req);
        BinaryPrimitives.WriteUInt32LittleEndian(req[16..], (uint)prefixLength);
        BinaryPrimitives.WriteInt32LittleEndian(req[20..], interfaceIndex);
        Call(inet6, SIOCSIFADDR, req, "SIOCSIFADDR");
    }

    /// <summary>A throw-away AF_INET6 datagram socket for the ioctls above.</summary>
    public static NativeSocket OpenInet6() => NativeSocket.Create(LinuxAddressFamily.AF_INET6, SocketType.Dgram, 0);

    private static void Fill(Span<byte> ifr, string name)
    {
        if (Encoding.UTF8.GetByteCount(name) >= IFNAMSIZ) throw new ArgumentOutOfRangeException(nameof(name), name, "Interface names are shorter than IFNAMSIZ (16).");
        ifr.Clear();
        Encoding.UTF8.GetBytes(name, ifr);
    }

    private static void Call(NativeSocket socket, uint request, Span<byte> argument, string operation)
    {
        try { socket.IoCtl(request, argument); }
        catch (NativeSocketException e) { throw new LowPanSystemException(operation, e.ErrorNumber, e); }
    }
}
