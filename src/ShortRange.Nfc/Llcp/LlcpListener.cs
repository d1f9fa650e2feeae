using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Sockets;
using static ShortRange.Linux.Sockets.NfcSocketConstants;

namespace ShortRange.Nfc.Llcp;

/// <summary>
/// A listening LLCP service (SOCK_STREAM bound to a service name on one device). The kernel binds by service name only:
/// well-known names get their SAP at once (urn:nfc:sn:snep → 4), others a SAP 16–31 when a peer first looks them up or
/// connects. The listener works before the DEP link is up, but the kernel closes every LLCP socket of a device when its
/// link goes down: then <see cref="AcceptAsync"/> fails and a new listener is needed (<see cref="ServeAsync"/> does that).
/// </summary>
public sealed partial class LlcpListener : IDisposable
{
    private readonly NativeSocket _socket;
    private readonly string _context;

    private LlcpListener(NativeSocket socket, uint deviceIndex, string serviceName)
    {
        _socket = socket;
        DeviceIndex = deviceIndex;
        ServiceName = serviceName;
        _context = $"'{serviceName}' on {NfcNetlinkCodec.DeviceName(deviceIndex)}";
    }

    public uint DeviceIndex { get; }

    public string ServiceName { get; }

    /// <summary>The bound SAP (<see cref="LlcpServiceNames.Unbound"/> until a peer first resolves a non-well-known name).</summary>
    public byte LocalSap => NfcLlcpSocketAddress.Read(_socket.GetLocalAddress()).Ssap;

    /// <summary>Binds <paramref name="serviceName"/> on the device and listens.</summary>
    /// <exception cref="NfcSocketException">EADDRINUSE (name taken), ENODEV (no device).</exception>
    public static LlcpListener Listen(uint deviceIndex, string serviceName, int backlog = 4)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        var s = NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Stream, NFC_SOCKPROTO_LLCP);
        var listener = new LlcpListener(s, deviceIndex, serviceName);
        try
        {
            s.Bind(new NfcLlcpSocketAddress(deviceIndex, 0, NFC_PROTO_NFC_DEP, 0, 0, serviceName));
            s.Listen(backlog);
            return listener;
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw NfcSocketErrors.From(e.Operation, e, listener._context);
        }
        catch
        {
            s.Dispose(); // e.g. a service name longer than 63 bytes
            throw;
        }
    }

    /// <summary>Waits for one connection (async, cancellable).</summary>
    public async Task<LlcpConnection> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var s = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            return new LlcpConnection(s, DeviceIndex, $"accepted on {_context}");
        }
        catch (NativeSocketException e)
        {
            throw NfcSocketErrors.From("accept", e, _context);
        }
    }

    /// <summary>
    /// Accept loop: runs <paramref name="handler"/> for each connection (concurrently; each connection is disposed when its
    /// handler ends; handler exceptions are logged). When the listener dies with the DEP link it is bound again after
    /// <paramref name="rebindDelay"/> (default 200 ms). Runs until cancelled (then returns normally).
    /// </summary>
    public static async Task ServeAsync(uint deviceIndex, string serviceName, Func<LlcpConnection, CancellationToken, Task> handler,
        ILogger? logger = null, TimeSpan? rebindDelay = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var log = logger ?? NullLogger.Instance;
        var running = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                LlcpListener listener;
                try
                {
                    listener = Listen(deviceIndex, serviceName);
                }
                catch (NfcSocketException e) when (e.ErrorNumber == Errno.EADDRINUSE)
                {
                    // The previous listener's name is released asynchronously after the link went down.
                    LogRebindFailed(log, serviceName, e.Message);
                    await Task.Delay(rebindDelay ?? TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                using (listener)
                {
                    while (true)
                    {
                        LlcpConnection c;
                        try
                        {
                            c = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                        }
                        catch (NfcSocketException e)
                        {
                            LogListenerClosed(log, serviceName, e.Message);
                            break;
                        }
                        running.RemoveAll(t => t.IsCompleted);
                        running.Add(RunHandlerAsync(c, handler, log, cancellationToken));
                    }
                }
                await Task.Delay(rebindDelay ?? TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private static async Task RunHandlerAsync(LlcpConnection c, Func<LlcpConnection, CancellationToken, Task> handler, ILogger log, CancellationToken ct)
    {
        using (c)
        {
            try
            {
                await handler(c, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // a failing handler must not end the accept loop; it is logged
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogHandlerFailed(log, c.ToString(), e);
            }
        }
    }

    public void Dispose() => _socket.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "LLCP listener {Service} closed ({Reason}); binding again")]
    private static partial void LogListenerClosed(ILogger logger, string service, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "LLCP listener {Service} could not bind yet: {Reason}")]
    private static partial void LogRebindFailed(ILogger logger, string service, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LLCP connection handler for {Connection} failed")]
    private static partial void LogHandlerFailed(ILogger logger, string connection, Exception exception);
}
