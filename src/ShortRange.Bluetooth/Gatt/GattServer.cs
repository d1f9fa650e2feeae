using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Devices;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>
/// Serves a <see cref="GattDatabase"/> to LE clients: an L2CAP listener on the ATT fixed channel (CID 4) of one
/// controller, one <see cref="AttBearer"/> and <see cref="GattServerClient"/> per connected client. The controller must
/// advertise connectably for clients to reach it (see <c>LeAdvertisement</c>). Dispose stops listening and closes every
/// client's bearer.
/// </summary>
public sealed class GattServer : IAsyncDisposable
{
    private readonly L2capChannelListener _listener;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cts = new();
    private readonly Subject<GattServerClient> _connected = new();
    private readonly List<GattServerClient> _clients = [];
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;

    private GattServer(GattDatabase database, L2capChannelListener listener, ILogger logger)
    {
        Database = database;
        _listener = listener;
        _logger = logger;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public GattDatabase Database { get; }

    /// <summary>Hot stream of clients as they connect (completes when the server is disposed).</summary>
    public IObservable<GattServerClient> ClientConnected => _connected;

    /// <summary>Clients connected now.</summary>
    public IReadOnlyList<GattServerClient> Clients
    {
        get { lock (_gate) return [.. _clients]; }
    }

    /// <summary>Listens on the ATT channel of the controller with LE public address <paramref name="localAddress"/>.</summary>
    public static GattServer Start(ulong localAddress, GattDatabase database, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var listener = L2capChannel.Listen(new L2capSocketAddress(0, localAddress, AttConstants.ATT_CID, BluetoothSocketConstants.BDADDR_LE_PUBLIC));
        return new GattServer(database, listener, logger ?? NullLogger.Instance);
    }

    /// <summary>
    /// Stores <paramref name="value"/> and sends it to every client whose CCCD asks for it: a notification (bit 0) or
    /// an indication (bit 1, awaited until confirmed). Clients that fail are logged and left to their bearer's end.
    /// Returns how many clients received it.
    /// </summary>
    public async Task<int> NotifyAsync(GattLocalCharacteristic characteristic, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(characteristic);
        characteristic.Value = value.ToArray();
        int sent = 0;
        foreach (var client in Clients)
        {
            ushort config = client.GetClientConfiguration(characteristic);
            if (config == 0) continue;
            var part = value.Length <= client.Bearer.Mtu - 3 ? value : value[..(client.Bearer.Mtu - 3)];
            try
            {
                if ((config & 2) != 0) await client.Bearer.IndicateAsync(characteristic.ValueHandle, part, cancellationToken).ConfigureAwait(false);
                else await client.Bearer.NotifyAsync(characteristic.ValueHandle, part, cancellationToken).ConfigureAwait(false);
                sent++;
            }
            catch (AttException e)
            {
                _logger.LogDebug(e, "GATT server: value update to {Remote} failed", client.Remote);
            }
        }
        return sent;
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var channel = await _listener.AcceptAsync(_cts.Token).ConfigureAwait(false);
                var remote = new BluetoothDeviceAddress(channel.RemoteAddress.Address, (BluetoothAddressType)channel.RemoteAddress.AddressType);
                var client = new GattServerClient(Database, remote, () => channel.SecurityLevel >= L2capSecurityLevel.Medium, _logger);
                var bearer = new AttBearer(new L2capAttTransport(channel), client, _logger);
                client.Bearer = bearer;
                lock (_gate) _clients.Add(client);
                _ = bearer.Closed.ContinueWith(_ => { lock (_gate) _clients.Remove(client); }, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                bearer.Start();
                _logger.LogDebug("GATT server: client {Remote} connected", remote);
                _connected.OnNext(client);
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is BluetoothException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            if (!_cts.IsCancellationRequested) _logger.LogWarning(e, "GATT server: accepting stopped");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cts.IsCancellationRequested) return;
        await _cts.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var c in Clients) c.Bearer.Dispose();
        _connected.OnCompleted();
        _cts.Dispose();
    }
}
