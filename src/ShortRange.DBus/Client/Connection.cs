using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ShortRange.DBus;

/// <summary>
/// A connection to a message bus: method calls with reply correlation and timeouts, signal subscriptions via match
/// rules, and exported objects. Closing is once-only: the first close reason wins and every pending call and every
/// subscriber receives a <see cref="DisconnectedException"/> wrapping it.
/// </summary>
public sealed partial class Connection : IDisposable, IAsyncDisposable
{
    private readonly ConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<uint, IPendingCall> _pending = new();
    private readonly Channel<MessageBuffer> _sendQueue = Channel.CreateUnbounded<MessageBuffer>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private UnixTransport? _transport;
    private Timer? _timeoutTimer;
    private Exception? _closeReason;
    private int _serial;
    private int _sendBusy;
    private int _queued; // messages in _sendQueue (the single-reader channel cannot count)
    private int _connectStarted;

    public Connection(string address) : this(new ConnectionOptions { Address = address }) { }

    public Connection(ConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = options.Logger ?? NullLogger.Instance;
    }

    /// <summary>Connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS or /var/run/dbus/system_bus_socket).</summary>
    public static async Task<Connection> ConnectSystemBusAsync(CancellationToken cancellationToken = default)
    {
        var c = new Connection(DBusAddress.SystemBusAddress);
        await c.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return c;
    }

    /// <summary>Connects to the session bus (DBUS_SESSION_BUS_ADDRESS).</summary>
    public static async Task<Connection> ConnectSessionBusAsync(CancellationToken cancellationToken = default)
    {
        var c = new Connection(DBusAddress.SessionBusAddress ?? throw new ConnectException("DBUS_SESSION_BUS_ADDRESS is not set."));
        await c.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return c;
    }

    /// <summary>Our unique name on the bus (from Hello).</summary>
    public string? UniqueName { get; private set; }

    /// <summary>True when the bus agreed to Unix fd passing.</summary>
    public bool SupportsUnixFdPassing => _transport?.SupportsFdPassing ?? false;

    /// <summary>Reply timeout applied to every method call.</summary>
    public TimeSpan DefaultTimeout => _options.DefaultTimeout;

    /// <summary>Completes with the close reason once the connection is closed.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>Connects, authenticates (SASL EXTERNAL), starts the loops and says Hello.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _connectStarted, 1) != 0)
        {
            throw new InvalidOperationException("ConnectAsync was already called.");
        }
        UnixTransport transport = await UnixTransport.ConnectAsync(_options.Address, _options.UnixFdPassing, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_closeReason is not null)
            {
                transport.Dispose();
                throw new DisconnectedException(_closeReason);
            }
            _transport = transport;
        }
        long period = (long)Math.Clamp(_options.DefaultTimeout.TotalMilliseconds / 4, 10, 1000);
        _timeoutTimer = new Timer(static s => ((Connection)s!).ExpireCalls(), this, period, period);
        // A dedicated thread blocks in recvmsg (like a C client): one syscall and one wake-up per batch of messages.
        ReceiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "D-Bus receive" };
        ReceiveThread.Start();
        _ = Task.Run(SendLoopAsync, CancellationToken.None);
        try
        {
            UniqueName = await HelloAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Disconnect(e);
            throw new ConnectException("Hello failed: " + e.Message, e);
        }
    }

    /// <summary>The thread that reads and dispatches messages (tests check that it ends with the connection).</summary>
    internal Thread? ReceiveThread { get; private set; }

    /// <summary>A writer for a new message (its buffer comes from the pool).</summary>
#pragma warning disable CA1822 // Instance method to keep the Tmds.DBus.Protocol shape.
    public MessageWriter GetMessageWriter() => new();
#pragma warning restore CA1822

    /// <summary>Closes the connection. The first reason wins; later calls do nothing.</summary>
    public void Disconnect(Exception? reason = null)
    {
        reason ??= new ObjectDisposedException(nameof(Connection), "The connection was disposed.");
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }
        IPendingCall[] pending;
        lock (_gate)
        {
            pending = _pending.Values.ToArray();
            _pending.Clear();
        }
        var error = new DisconnectedException(reason);
        foreach (IPendingCall call in pending)
        {
            call.Fail(error);
        }
        FailSubscriptions(error);
        _sendQueue.Writer.TryComplete();
        while (_sendQueue.Reader.TryRead(out MessageBuffer? queued))
        {
            queued.Dispose();
        }
        _timeoutTimer?.Dispose();
        _transport?.Dispose();
        _closed.TrySetResult(reason);
    }

    private DisconnectedException ClosedError() => new(_closeReason);

    public void Dispose() => Disconnect(null);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
