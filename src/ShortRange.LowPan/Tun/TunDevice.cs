using System.Runtime.InteropServices;
using System.Text;
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
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(Encoding.UTF8.GetByteCount(name), TunInterop.IFNAMSIZ, nameof(name));
        int fd = TunInterop.open("/dev/net/tun", TunInterop.O_RDWR | TunInterop.O_NONBLOCK | TunInterop.O_CLOEXEC);
        if (fd < 0) throw new LowPanSystemException("open(/dev/net/tun)", Marshal.GetLastPInvokeError());
        var handle = new SafeTunHandle(fd);
        try
        {
            byte* ifr = stackalloc byte[TunInterop.SizeOfIfreq];
            new Span<byte>(ifr, TunInterop.SizeOfIfreq).Clear();
            Encoding.UTF8.GetBytes(name, new Span<byte>(ifr, TunInterop.IFNAMSIZ));
            *(short*)(ifr + TunInterop.IFNAMSIZ) = TunInterop.IFF_TUN | TunInterop.IFF_NO_PI;
            if (TunInterop.ioctl(fd, TunInterop.TUNSETIFF, ifr) < 0) throw new LowPanSystemException("ioctl(TUNSETIFF)", Marshal.GetLastPInvokeError());
            var actual = new ReadOnlySpan<byte>(ifr, TunInterop.IFNAMSIZ);
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
        WithControlSocket(s =>
        {
            byte* ifr = stackalloc byte[TunInterop.SizeOfIfreq];
            FillName(ifr);
            *(int*)(ifr + TunInterop.IFNAMSIZ) = mtu;
            Check(TunInterop.ioctl(s, TunInterop.SIOCSIFMTU, ifr), "ioctl(SIOCSIFMTU)");
            FillName(ifr);
            Check(TunInterop.ioctl(s, TunInterop.SIOCGIFINDEX, ifr), "ioctl(SIOCGIFINDEX)");
            InterfaceIndex = *(int*)(ifr + TunInterop.IFNAMSIZ);
            FillName(ifr);
            Check(TunInterop.ioctl(s, TunInterop.SIOCGIFFLAGS, ifr), "ioctl(SIOCGIFFLAGS)");
            *(short*)(ifr + TunInterop.IFNAMSIZ) |= TunInterop.IFF_UP;
            Check(TunInterop.ioctl(s, TunInterop.SIOCSIFFLAGS, ifr), "ioctl(SIOCSIFFLAGS)");
        });
    }

    /// <summary>Adds an IPv6 address to the interface (SIOCSIFADDR on an AF_INET6 socket).</summary>
    public void AddAddress(ReadOnlySpan<byte> address, int prefixLength)
    {
        if (address.Length != 16) throw new ArgumentException("IPv6 address must be 16 bytes.", nameof(address));
        byte* req = stackalloc byte[TunInterop.SizeOfIn6Ifreq];
        address.CopyTo(new Span<byte>(req, 16));
        *(uint*)(req + 16) = (uint)prefixLength;
        *(int*)(req + 20) = InterfaceIndex;
        int s = TunInterop.socket(TunInterop.AF_INET6, TunInterop.SOCK_DGRAM, 0);
        if (s < 0) throw new LowPanSystemException("socket(AF_INET6)", Marshal.GetLastPInvokeError());
        try { Check(TunInterop.ioctl(s, TunInterop.SIOCSIFADDR, req), "ioctl(SIOCSIFADDR)"); }
        finally { TunInterop.close(s); }
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

    private void FillName(byte* ifr)
    {
        new Span<byte>(ifr, TunInterop.SizeOfIfreq).Clear();
        Encoding.UTF8.GetBytes(Name, new Span<byte>(ifr, TunInterop.IFNAMSIZ));
    }

    private static void WithControlSocket(Action<int> action)
    {
        int s = TunInterop.socket(TunInterop.AF_INET6, TunInterop.SOCK_DGRAM, 0);
        if (s < 0) throw new LowPanSystemException("socket(AF_INET6)", Marshal.GetLastPInvokeError());
        try { action(s); }
        finally { TunInterop.close(s); }
    }

    private static void Check(int result, string operation)
    {
        if (result < 0) throw new LowPanSystemException(operation, Marshal.GetLastPInvokeError());
    }
}
