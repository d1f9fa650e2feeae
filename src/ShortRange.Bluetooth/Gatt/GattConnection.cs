using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>
/// An LE connection to one GATT server: the ATT bearer on the fixed channel (CID 4), a <see cref="GattClient"/> over it,
/// and a state stream. The end of the link is always reported, whatever ended it (local dispose, remote disconnect, link
/// loss, controller removed, ATT timeout): <see cref="State"/> emits a final <see cref="GattConnectionStatus.Disconnected"/>
/// with the reason, and every pending operation fails with the bearer's typed exception.
/// </summary>
public sealed class GattConnection : IAsyncDisposable, IDisposable
{
    private readonly ReplaySubject<GattConnectionState> _state = new(1);
    private readonly TaskCompletionSource<GattConnectionState> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wraps a started or not yet started bearer; <see cref="ConnectAsync(ulong, BluetoothDeviceAddress, GattConnectionOptions?, ILogger?, CancellationToken)"/> is the usual way in.</summary>
    public GattConnection(AttBearer bearer, BluetoothDeviceAddress remote, ILogger? logger = null)
    {
        Bearer = bearer ?? throw new ArgumentNullException(nameof(bearer));
        Remote = remote;
        Client = new GattClient(bearer, logger ?? NullLogger.Instance);
        _state.OnNext(GattConnectionState.Connected);
        _ = bearer.Closed.ContinueWith(t => OnClosed(t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The peer's address and address type.</summary>
    public BluetoothDeviceAddress Remote { get; }

    /// <summary>The ATT bearer (MTU, raw requests, value updates).</summary>
    public AttBearer Bearer { get; }

    /// <summary>GATT procedures on this connection.</summary>
    public GattClient Client { get; }

    /// <summary>
    /// State stream: replays the latest state to every subscriber and never errors. It starts with
    /// <see cref="GattConnectionStatus.Connected"/>, ends with one <see cref="GattConnectionStatus.Disconnected"/> carrying
    /// the reason, then completes (later subscribers still receive that last state).
    /// </summary>
    public IObservable<GattConnectionState> State => _state;

    /// <summary>Completes (never faults) with the final state once the connection has ended.</summary>
    public Task<GattConnectionState> Disconnected => _disconnected.Task;

    /// <summary>
    /// Connects over LE from the controller with address <paramref name="localAddress"/> to <paramref name="remote"/>
    /// (<see cref="BluetoothAddressType.LePublic"/> or <see cref="BluetoothAddressType.LeRandom"/>: the type must match
    /// what the peer advertises), starts the bearer and exchanges the MTU. The peer must be advertising connectably.
    /// </summary>
    public static async Task<GattConnection> ConnectAsync(ulong localAddress, BluetoothDeviceAddress remote, GattConnectionOptions? options = null,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= GattConnectionOptions.Default;
        if (remote.Type == BluetoothAddressType.BrEdr)
            throw new ArgumentException("GATT over ATT's fixed channel needs an LE address type (LePublic or LeRandom)", nameof(remote));
        var transport = await L2capAttTransport.ConnectAsync(localAddress, remote.Value, (byte)remote.Type, options.Security, options.ConnectTimeout,
            cancellationToken).ConfigureAwait(false);
        var bearer = new AttBearer(transport, options.Server, logger, options.TransactionTimeout, options.ReceiveMtu);
        var connection = new GattConnection(bearer, remote, logger);
        bearer.Start();
        try
        {
            if (options.ExchangeMtu) await bearer.ExchangeMtuAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            bearer.Dispose();
            throw;
        }
        return connection;
    }

    /// <summary>
    /// Connects over LE from the controller named <paramref name="controller"/> ("hci0"; its address is read through mgmt)
    /// to <paramref name="remote"/>; otherwise as <see cref="ConnectAsync(ulong, BluetoothDeviceAddress, GattConnectionOptions?, ILogger?, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="controller"/> is not a name such as "hci0".</exception>
    /// <exception cref="Mgmt.MgmtException">the controller does not exist (Invalid Index).</exception>
    public static async Task<GattConnection> ConnectAsync(string controller, BluetoothDeviceAddress remote, GattConnectionOptions? options = null,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ulong local;
        await using (var mgmt = new Mgmt.MgmtClient(Mgmt.MgmtSocketTransport.Open()))
            local = (await mgmt.ReadControllerInfoAsync(controller, cancellationToken).ConfigureAwait(false)).Address;
        return await ConnectAsync(local, remote, options, logger, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the connection (closes the ATT channel; the kernel drops an idle LE link after it).</summary>
    public void Dispose() => Bearer.Dispose();

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void OnClosed(Exception reason)
    {
        var state = new GattConnectionState(GattConnectionStatus.Disconnected, Classify(reason), reason);
        _state.OnNext(state);
        _state.OnCompleted();
        _disconnected.TrySetResult(state);
    }

    internal static GattDisconnectReason Classify(Exception reason) => reason switch
    {
        ObjectDisposedException => GattDisconnectReason.Local,
        AttTimeoutException => GattDisconnectReason.Timeout,
        AttFormatException => GattDisconnectReason.Error,
        AttBearerClosedException { InnerException: L2capException inner } => Classify(inner),
        L2capException { Errno: Linux.Sockets.Errno.ETIMEDOUT } => GattDisconnectReason.LinkLost,
        L2capException { Errno: Linux.Sockets.Errno.ECONNABORTED } => GattDisconnectReason.LocalHost,
        AttBearerClosedException or L2capException or System.Net.Sockets.SocketException => GattDisconnectReason.Remote,
        _ => GattDisconnectReason.Error,
    };
}
