using Microsoft.Extensions.Logging;
using ShortRange.Devices;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>
/// PAN server: listens on L2CAP PSM 0x000F as NAP, GN (each bnepN joins a bridge created through rtnetlink) or PANU.
/// <see cref="AcceptAsync"/> yields each successfully set-up connection; refused setups are answered with the spec's
/// code, logged and counted. Disposal stops listening and deletes the bridge if this server created it;
/// accepted connections are disposed by their owner.
/// </summary>
public sealed class PanServer : IAsyncDisposable
{
    private readonly NativeSocket _listener;
    private readonly IBnepKernel _kernel;
    private readonly IPanNetwork _network;
    private readonly PanOptions _options;
    private readonly ILogger? _logger;
    private readonly bool _bridgeCreated;
    private readonly bool _kernelAnswers;
    private int _refused;
    private int _disposed;

    private PanServer(NativeSocket listener, IBnepKernel kernel, IPanNetwork network, BnepRole role, int? bridgeIndex, bool bridgeCreated,
        PanOptions options, ILogger? logger)
    {
        _listener = listener;
        _kernel = kernel;
        _network = network;
        Role = role;
        BridgeIndex = bridgeIndex;
        _bridgeCreated = bridgeCreated;
        _options = options;
        _logger = logger;
        _kernelAnswers = (kernel.GetSupportedFeatures() & (1u << BnepKernelAbi.BNEP_SETUP_RESPONSE)) != 0;
    }

    /// <summary>The role served.</summary>
    public BnepRole Role { get; }

    /// <summary>The bridge (NAP/GN), or null for a PANU server.</summary>
    public string? BridgeName => BridgeIndex is null ? null : _options.BridgeName;

    public int? BridgeIndex { get; }

    /// <summary>Setup requests refused so far (wrong service UUIDs or sizes, kernel refusal).</summary>
    public int RefusedCount => Volatile.Read(ref _refused);

    /// <summary>Binds PSM 0x000F on <paramref name="localAdapter"/> and, for NAP/GN, creates/raises the bridge.</summary>
    public static async Task<PanServer> StartAsync(BluetoothDeviceAddress localAdapter, BnepRole role = BnepRole.Nap, PanOptions? options = null,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(localAdapter);
        options ??= new PanOptions();
        var kernel = BnepKernelControl.Open();
        var network = new RtNetlinkPanNetwork(logger);
        NativeSocket? listener = null;
        try
        {
            int? bridge = null;
            bool created = false;
            if (role != BnepRole.Panu)
                (bridge, created) = await network.EnsureBridgeAsync(options.BridgeName, cancellationToken).ConfigureAwait(false);
            listener = L2capBnepSockets.Open();
            listener.Bind(new L2capSocketAddress(BnepConstants.BNEP_PSM, localAdapter.Value));
            listener.Listen(8);
            return new PanServer(listener, kernel, network, role, bridge, created, options, logger);
        }
        catch
        {
            listener?.Dispose();
            network.Dispose();
            kernel.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the next PANU whose setup succeeds; its bnepN is up (and on the bridge for NAP/GN).</summary>
    public async Task<BnepConnection> AcceptAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            var socket = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            // Each connection owns its control socket and rtnetlink client, so it outlives this server if need be.
            IBnepKernel kernel;
            try
            {
                kernel = BnepKernelControl.Open();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            try
            {
                return await AcceptCoreAsync(new L2capBnepChannel(socket), kernel, new RtNetlinkPanNetwork(_logger), ownsKernelAndNetwork: true, Role,
                    BridgeIndex, BridgeName, _kernelAnswers, _options, _logger, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BnepSetupRefusedException or BnepException or BnepFormatException)
            {
                Interlocked.Increment(ref _refused);
                _logger?.LogWarning(e, "PAN {Role}: connection not set up", Role);
            }
        }
    }

    /// <summary>Server role logic over any channel/kernel/network (unit-tested with fakes). Disposes what it owns on failure.</summary>
    internal static async Task<BnepConnection> AcceptCoreAsync(IBnepChannel channel, IBnepKernel kernel, IPanNetwork network, bool ownsKernelAndNetwork, BnepRole role,
        int? bridgeIndex, string? bridgeName, bool kernelAnswers, PanOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        try
        {
            BnepRole peerRole;
            using (var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                setup.CancelAfter(options.SetupRequestTimeout);
                try
                {
                    peerRole = await BnepSetup.RunServerAsync(channel, role, kernelAnswers, logger, setup.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new BnepException("BNEP setup (no BNEP_SETUP_CONNECTION_REQUEST_MSG)", Errno.ETIMEDOUT);
                }
                catch (BnepSetupRefusedException)
                {
                    await BnepSetup.AwaitPeerCloseAsync(channel, options.RefusalCloseTimeout, logger, cancellationToken).ConfigureAwait(false);
                    throw;
                }
            }
            uint flags = kernelAnswers ? 1u << BnepKernelAbi.BNEP_SETUP_RESPONSE : 0;
            try
            {
                return await BnepSession.EstablishAsync(channel, kernel, network, ownsKernelAndNetwork, flags, role, peerRole, bridgeIndex,
                    bridgeName, options, logger, cancellationToken).ConfigureAwait(false);
            }
            catch (BnepException e) when (kernelAnswers && e.Operation == "BNEPCONNADD")
            {
                // The peeked request is still queued and nobody answered it: consume it and refuse.
                await channel.ReceiveAsync(new byte[BnepConstants.BNEP_MTU], false, cancellationToken).ConfigureAwait(false);
                await BnepSetup.Respond(channel, BnepSetupResponseCode.ConnectionNotAllowed, cancellationToken).ConfigureAwait(false);
                await BnepSetup.AwaitPeerCloseAsync(channel, options.RefusalCloseTimeout, logger, cancellationToken).ConfigureAwait(false);
                throw;
            }
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _listener.Dispose();
        try
        {
            if (_bridgeCreated && BridgeIndex is int bridge)
                await _network.DeleteLinkAsync(bridge, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Linux.Netlink.NetlinkException or NativeSocketException)
        {
            _logger?.LogWarning(e, "PAN: could not delete bridge {Bridge}", BridgeName);
        }
        finally
        {
            _network.Dispose();
            _kernel.Dispose();
        }
    }
}
