using System.Runtime.InteropServices;
using System.Text;
using ShortRange.Linux.Sockets;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Interop;

namespace ShortRange.LowPan.Tun;

/// <summary>
/// A layer-3 TUN interface (IFF_TUN | IFF_NO_PI): every read returns one IPv6/IPv4 packet the host sent to it,
/// every write injects one packet into the host stack. The interface disappears when this object is disposed.
/// Needs CAP_NET_ADMIN.
/// </summary>
public sealed unsafe class TunDevice : IDisposable
{
    private readonly SafeTunHandle _handle;

    private TunDevice(SafeTunHandle handle, string name)
    {
        _handle = handle;
        Name = name;
    }

    public string Name { get; }
    public int InterfaceIndex { get; private set; }

    public static bool IsSupported => File.Exists("/dev/net/tun");

    /// <summary>Creates the interface (name may contain %d), sets its MTU and brings it up.</summary>
    public static TunDevice Create(string name = "lowpan%d", int mtu = 1280)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(Encoding.UTF8.GetByteCount(name), InterfaceRequest.IFNAMSIZ, nameof(name));
        int fd = TunInterop.open("/dev/net/tun", TunInterop.O_RDWR | TunInterop.O_NONBLOCK | TunInterop.O_CLOEXEC);
        if (fd < 0) throw new LowPanSystemException("open(/dev/net/tun)", Marshal.GetLastPInvokeError());
        var handle = new SafeTunHandle(fd);
        try
        {
            byte* ifr = stackalloc byte[InterfaceRequest.SizeOfIfreq];
            new Span<byte>(ifr, InterfaceRequest.SizeOfIfreq).Clear();
            Encoding.UTF8.GetBytes(name, new Span<byte>(ifr, InterfaceRequest.IFNAMSIZ));
            *(short*)(ifr + InterfaceRequest.IFNAMSIZ) = TunInterop.IFF_TUN | TunInterop.IFF_NO_PI;
            if (TunInterop.ioctl(fd, TunInterop.TUNSETIFF, ifr) < 0) throw new LowPanSystemException("ioctl(TUNSETIFF)", Marshal.GetLastPInvokeError());
            var actual = new ReadOnlySpan<byte>(ifr, InterfaceRequest.IFNAMSIZ);
            int nul = actual.IndexOf((byte)0);
            var device = new TunDevice(handle, Encoding.UTF8.GetString(nul < 0 ? actual : actual[..nul]));
            device.Configure(mtu);
            return device;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private void Configure(int mtu)
    {
        using var control = OpenControlSocket();
        InterfaceRequest.SetMtu(control, Name, mtu);
        InterfaceIndex = InterfaceRequest.GetIndex(control, Name);
        DisableAutomaticLinkLocal();
        InterfaceRequest.SetUp(control, Name);
    }

    /// <summary>Adds an IPv6 address to the interface (SIOCSIFADDR with struct in6_ifreq on an AF_INET6 socket).</summary>
    public void AddAddress(ReadOnlySpan<byte> address, int prefixLength)
    {
        if (address.Length != 16) throw new ArgumentException("IPv6 address must be 16 bytes.", nameof(address));
        using var control = OpenControlSocket();
        InterfaceRequest.AddIpv6Address(control, InterfaceIndex, address, prefixLength);
    }

    /// <summary>
    /// A TUN device has no hardware address, so the kernel would give it a random link-local address
    /// (IN6_ADDR_GEN_MODE_RANDOM for ARPHRD_NONE). Nobody on the 6LoWPAN link could reach that address (the bridge answers
    /// Neighbor Solicitations only for its own addresses), yet the host might pick it as a source: turn generation off
    /// (addr_gen_mode 1 = IN6_ADDR_GEN_MODE_NONE, include/uapi/linux/if_link.h) before the interface goes up. Best effort:
    /// without IPv6 or a writable /proc the interface simply keeps the kernel's default.
    /// </summary>
    private void DisableAutomaticLinkLocal()
    {
        try { File.WriteAllText($"/proc/sys/net/ipv6/conf/{Name}/addr_gen_mode", "1"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static NativeSocket OpenControlSocket()
    {
        try { return InterfaceRequest.OpenInet6(); }
        catch (NativeSocketException e) { throw new LowPanSystemException("socket(AF_INET6)", e.ErrorNumber, e); }
    }

    /// <summary>Reads one packet; returns 0 when <paramref name="timeoutMs"/> passed with nothing to read.</summary>
    public int Read(Span<byte> buffer, int timeoutMs)
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            int fd = (int)_handle.DangerousGetHandle();
            var pfd = new TunInterop.pollfd { fd = fd, events = TunInterop.POLLIN };
            int r = TunInterop.poll(&pfd, 1, timeoutMs);
            if (r < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == TunInterop.EINTR) return 0;
                throw new LowPanSystemException("poll(tun)", errno);
            }
            if (r == 0) return 0;
            fixed (byte* p = buffer)
            {
                nint n = TunInterop.read(fd, p, (nuint)buffer.Length);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno is TunInterop.EAGAIN or TunInterop.EINTR) return 0;
                    throw new LowPanSystemException("read(tun)", errno);
                }
                return (int)n;
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    /// <summary>Injects one packet into the host stack.</summary>
    public void Write(ReadOnlySpan<byte> packet)
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            fixed (byte* p = packet)
            {
                nint n = TunInterop.write((int)_handle.DangerousGetHandle(), p, (nuint)packet.Length);
                if (n < 0) throw new LowPanSystemException("write(tun)", Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();
}
