using System.Runtime.InteropServices;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>The kernel's BNEP session table (BTPROTO_BNEP control socket ioctls); faked in unit tests.</summary>
internal interface IBnepKernel : IDisposable
{
    /// <summary>BNEPGETSUPPFEAT: bit <see cref="BnepKernelAbi.BNEP_SETUP_RESPONSE"/> when the kernel can answer setup itself; 0 on old kernels.</summary>
    uint GetSupportedFeatures();

    /// <summary>BNEPCONNADD: hands the connected L2CAP socket to the kernel; returns the new interface's name.</summary>
    string AddConnection(SafeHandle l2capSocket, uint flags, BnepRole localRole, string? interfaceName);

    /// <summary>BNEPCONNDEL; false when no session exists for <paramref name="peer"/> (ENOENT).</summary>
    bool DeleteConnection(ulong peer);

    /// <summary>BNEPGETCONNINFO; null when no session exists (ENOENT).</summary>
    BnepConnectionInfo? GetConnectionInfo(ulong peer);

    /// <summary>BNEPGETCONNLIST (up to <paramref name="max"/> sessions).</summary>
    IReadOnlyList<BnepConnectionInfo> GetConnections(int max = 64);
}
