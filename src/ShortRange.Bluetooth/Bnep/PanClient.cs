using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShortRange.Devices;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>PAN client (PANU): connects to a NAP, GN or PANU and returns the running bnepN. No bluetoothd involved.</summary>
public static class PanClient
{
    /// <summary>
    /// L2CAP connect to PSM 0x000F from <paramref name="localAdapter"/>, BNEP setup in user space, BNEPCONNADD, wait for the
    /// bnepN link event, set it up.
    /// </summary>
    /// <exception cref="BnepSetupRefusedException">the peer refused the setup (its response code by the spec's name).</exception>
    /// <exception cref="BnepException">setup timed out, the kernel refused the session, or bnepN never appeared.</exception>
    /// <exception cref="NativeSocketException">the L2CAP connection failed (ECONNREFUSED, EHOSTDOWN, ETIMEDOUT…).</exception>
    public static async Task<BnepConnection> ConnectAsync(BluetoothDeviceAddress localAdapter, BluetoothDeviceAddress peer,
        BnepRole remoteRole = BnepRole.Nap, BnepRole localRole = BnepRole.Panu, PanOptions? options = null, ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(localAdapter);
        ArgumentNullException.ThrowIfNull(peer);
        options ??= new PanOptions();
        var socket = L2capBnepSockets.Open();
        try
        {
            socket.Bind(new L2capSocketAddress(0, localAdapter.Value));
            await socket.ConnectAsync(new L2capSocketAddress(BnepConstants.BNEP_PSM, peer.Value), options.ConnectTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var kernel = BnepKernelControl.Open();
        var network = new RtNetlinkPanNetwork(logger);
        return await ConnectCoreAsync(new L2capBnepChannel(socket), kernel, network, ownsKernelAndNetwork: true, localRole, remoteRole, options,
            logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The role logic over any channel/kernel/network (unit-tested with fakes). Owns everything it is given on failure.</summary>
    internal static async Task<BnepConnection> ConnectCoreAsync(IBnepChannel channel, IBnepKernel kernel, IPanNetwork network, bool ownsKernelAndNetwork,
        BnepRole localRole, BnepRole remoteRole, PanOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        try
        {
            await BnepSetup.RunClientAsync(channel, localRole, remoteRole, options.SetupAttemptTimeout, options.SetupAttempts, logger, cancellationToken)
                .ConfigureAwait(false);
            // No BNEP_SETUP_RESPONSE flag: the response was consumed here; a later setup request from the peer is refused
            // by the kernel ("Connection Not Allowed"), which is what a PANU should answer.
            return await BnepSession.EstablishAsync(channel, kernel, network, ownsKernelAndNetwork, flags: 0, localRole, remoteRole,
                bridgeIndex: null, bridgeName: null, options, logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            channel.Dispose();
            if (ownsKernelAndNetwork)
            {
                kernel.Dispose();
                network.Dispose();
            }
            throw;
        }
    }
}

/// <summary>L2CAP SOCK_SEQPACKET sockets sized for BNEP (MTU 1691 both ways, as BNEP v1.0 §1.2 requires).</summary>
internal static class L2capBnepSockets
{
    public static NativeSocket Open()
    {
        var s = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Seqpacket, BTPROTO_L2CAP);
        try
        {
            // struct l2cap_options { u16 omtu; u16 imtu; u16 flush_to; u8 mode; u8 fcs; u8 max_tx; u16 txwin_size; } (l2cap.h)
            Span<byte> o = stackalloc byte[12];
            int n = s.GetOption(SOL_L2CAP, L2CAP_OPTIONS, o);
            BitConverter.TryWriteBytes(o, BnepConstants.BNEP_MTU);
            BitConverter.TryWriteBytes(o[2..], BnepConstants.BNEP_MTU);
            s.SetOption(SOL_L2CAP, L2CAP_OPTIONS, o[..n]);
        }
        catch
        {
            s.Dispose();
            throw;
        }
        return s;
    }
}
