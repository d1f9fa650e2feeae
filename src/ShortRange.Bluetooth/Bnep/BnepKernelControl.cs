using System.Net.Sockets;
using System.Runtime.InteropServices;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>
/// The BTPROTO_BNEP control socket (socket(AF_BLUETOOTH, SOCK_RAW, BTPROTO_BNEP)) and its ioctls. Needs CAP_NET_ADMIN.
/// Public so applications can list and delete sessions (e.g. ones left by another process).
/// </summary>
public sealed class BnepKernelControl : IDisposable, IBnepKernel
{
    private readonly NativeSocket _socket;

    private BnepKernelControl(NativeSocket socket) => _socket = socket;

    /// <summary>Opens the control socket; <see cref="ShortRange.Errors.StackUnavailableException"/> when the kernel lacks Bluetooth,
    /// <see cref="NativeSocketException"/> (EPROTONOSUPPORT) when the bnep module is missing.</summary>
    public static BnepKernelControl Open() =>
        new(NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BTPROTO_BNEP));

    public uint GetSupportedFeatures()
    {
        Span<byte> b = stackalloc byte[4];
        try
        {
            _socket.IoCtl(BnepKernelAbi.BNEPGETSUPPFEAT, b);
        }
        catch (NativeSocketException e) when (e.ErrorNumber is Errno.EINVAL or Errno.ENOTTY)
        {
            return 0; // kernels before 4.12 have no BNEPGETSUPPFEAT
        }
        return BitConverter.ToUInt32(b);
    }

    public string AddConnection(SafeHandle l2capSocket, uint flags, BnepRole localRole, string? interfaceName)
    {
        ArgumentNullException.ThrowIfNull(l2capSocket);
        Span<byte> b = stackalloc byte[BnepKernelAbi.ConnAddSize];
        bool added = false;
        l2capSocket.DangerousAddRef(ref added);
        try
        {
            BnepKernelAbi.WriteConnAdd(b, (int)l2capSocket.DangerousGetHandle(), flags, (ushort)localRole, interfaceName);
            Call("BNEPCONNADD", BnepKernelAbi.BNEPCONNADD, b);
        }
        finally
        {
            if (added) l2capSocket.DangerousRelease();
        }
        return BnepKernelAbi.ReadConnAddDevice(b);
    }

    public bool DeleteConnection(ulong peer)
    {
        Span<byte> b = stackalloc byte[BnepKernelAbi.ConnDelSize];
        BnepKernelAbi.WriteConnDel(b, peer);
        try
        {
            Call("BNEPCONNDEL", BnepKernelAbi.BNEPCONNDEL, b);
            return true;
        }
        catch (BnepException e) when (e.ErrorNumber == Errno.ENOENT)
        {
            return false;
        }
    }

    public BnepConnectionInfo? GetConnectionInfo(ulong peer)
    {
        Span<byte> b = stackalloc byte[BnepKernelAbi.ConnInfoSize];
        BnepKernelAbi.WriteConnInfoQuery(b, peer);
        try
        {
            Call("BNEPGETCONNINFO", BnepKernelAbi.BNEPGETCONNINFO, b);
        }
        catch (BnepException e) when (e.ErrorNumber == Errno.ENOENT)
        {
            return null;
        }
        return BnepKernelAbi.ReadConnInfo(b);
    }

    public unsafe IReadOnlyList<BnepConnectionInfo> GetConnections(int max = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, 4096);
        var infos = new byte[max * BnepKernelAbi.ConnInfoSize];
        Span<byte> req = stackalloc byte[BnepKernelAbi.ConnListSize];
        req.Clear();
        fixed (byte* ci = infos)
        {
            BitConverter.TryWriteBytes(req, (uint)max);
            BitConverter.TryWriteBytes(req[8..], (ulong)ci); // the kernel copies bnep_conninfo records through this pointer
            Call("BNEPGETCONNLIST", BnepKernelAbi.BNEPGETCONNLIST, req);
        }
        int n = Math.Min((int)BitConverter.ToUInt32(req), max);
        var list = new List<BnepConnectionInfo>(n);
        for (int i = 0; i < n; i++) list.Add(BnepKernelAbi.ReadConnInfo(infos.AsSpan(i * BnepKernelAbi.ConnInfoSize)));
        return list;
    }

    private void Call(string name, uint request, Span<byte> argument)
    {
        try
        {
            _socket.IoCtl(request, argument);
        }
        catch (NativeSocketException e)
        {
            throw new BnepException(name, e.ErrorNumber, e);
        }
    }

    public void Dispose() => _socket.Dispose();
}
