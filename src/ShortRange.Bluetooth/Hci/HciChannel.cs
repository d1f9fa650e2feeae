using System.Globalization;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Internal;

namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// HCI command/event client over one controller's raw (or user) channel. Commands are correlated with their Command
/// Complete / Command Status by opcode (FIFO per opcode) and sent only while the controller grants command credits
/// (Num_HCI_Command_Packets, Core Vol 4 Part E §4.4 and §7.7.14); a non-zero status becomes
/// <see cref="HciCommandException"/>, no answer within <see cref="CommandTimeout"/> becomes <see cref="HciTimeoutException"/>.
/// Events reach subscribers of <see cref="Events"/> through per-subscription <see cref="HciFilter"/>s; the kernel's
/// HCI_FILTER is kept at the union of them plus Command Complete/Status. One receive loop: malformed packets are
/// counted (<see cref="DroppedPackets"/>) and logged, and the loop keeps running. When the channel closes, every
/// pending command and every subscriber receive the same first close reason; disposal stops the loop and closes the socket.
/// </summary>
public sealed partial class HciChannel : IAsyncDisposable
{
    // Indicator + the largest packet (ACL: 4-byte header + 65535 data bytes).
    private const int ReceiveBufferSize = 1 + 4 + ushort.MaxValue;
    private static readonly HciFilter BaseFilter = HciFilter.Events(HciEventCode.HCI_Command_Complete, HciEventCode.HCI_Command_Status);

    private readonly IHciTransport _transport;
    private readonly ILogger _logger;
    private readonly ReplyQueues<ushort, HciCommandResult> _pending = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private Subscription[] _subscribers = [];
    // Controller command credits; Linux also starts hdev->cmd_cnt at 1 and gets the real value from the first CC/CS.
    private int _credits = 1;
    private TaskCompletionSource _creditGranted = NewSignal();
    private Exception? _closeReason;
    private long _dropped;

    public HciChannel(IHciTransport transport, ILogger? logger = null, TimeSpan? commandTimeout = null)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _logger = logger ?? NullLogger.Instance;
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(10);
        _transport.SetFilter(BaseFilter);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Opens the raw channel of controller hci<paramref name="index"/> (needs CAP_NET_RAW for most commands).</summary>
    public static HciChannel OpenRaw(ushort index, ILogger? logger = null, TimeSpan? commandTimeout = null) =>
        new(HciSocketTransport.OpenRaw(index), logger, commandTimeout);

    public TimeSpan CommandTimeout { get; }

    public string Adapter => _transport.Adapter;

    /// <summary>Malformed packets dropped so far.</summary>
    public long DroppedPackets => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Hot stream of the events <paramref name="filter"/> passes (Command Complete/Status included when it asks for
    /// them). Completes when the channel is disposed; errors once with the close reason when the channel fails.
    /// </summary>
    public IObservable<HciEventPacket> Events(HciFilter filter) => Observable.Create<HciEventPacket>(observer =>
    {
        var s = new Subscription(filter, observer);
        Exception? closed;
        lock (_gate)
        {
            closed = _closeReason;
            if (closed is null)
            {
                _subscribers = [.. _subscribers, s];
                ApplyKernelFilter();
            }
        }
        if (closed is not null)
        {
            if (closed is ObjectDisposedException) observer.OnCompleted(); else observer.OnError(closed);
            return Disposable.Empty;
        }
        return Disposable.Create(() =>
        {
            lock (_gate)
            {
                _subscribers = [.. _subscribers.Where(x => x != s)];
                if (_closeReason is null) ApplyKernelFilter();
            }
        });
    });

    // Under _gate.
    private void ApplyKernelFilter()
    {
        var f = BaseFilter;
        foreach (var s in _subscribers) f = f.Union(s.Filter);
        _transport.SetFilter(f with { Opcode = 0 });
    }

    /// <summary>Sends a command; see <see cref="HciCommandResult"/>. Throws <see cref="HciCommandException"/> on a failure status.</summary>
    public async Task<HciCommandResult> SendCommandAsync(ushort opcode, ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken = default)
    {
        var datagram = new HciCommandPacket(opcode, parameters).ToDatagram();
        var tcs = new TaskCompletionSource<HciCommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = DateTime.UtcNow + CommandTimeout;
        lock (_gate)
        {
            if (_closeReason is not null) throw new BluetoothException($"the HCI channel of {Adapter} is closed", _closeReason);
            _pending.Enqueue(opcode, tcs);
        }
        try
        {
            await AcquireCreditAsync(opcode, deadline, cancellationToken).ConfigureAwait(false);
            try { await _transport.SendAsync(datagram, cancellationToken).ConfigureAwait(false); }
            catch
            {
                // Never sent: the controller did not use the credit.
                ReturnCredit();
                throw;
            }
            var left = deadline - DateTime.UtcNow;
            return await tcs.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Forget(opcode, tcs);
            // Like the kernel's hci_cmd_timeout: after a lost answer, allow one command again rather than stall forever.
            GrantCredits(1);
            throw new HciTimeoutException(opcode, string.Create(CultureInfo.InvariantCulture,
                $"HCI command {HciOpcode.Name(opcode)} on {Adapter} got no Command Complete/Status within {CommandTimeout.TotalSeconds:0.#} s"));
        }
        catch
        {
            Forget(opcode, tcs);
            throw;
        }
    }

    /// <summary>Sends a command that answers with Command Complete and returns its Return_Parameters (Status first).</summary>
    public async Task<ReadOnlyMemory<byte>> ExecuteAsync(ushort opcode, ReadOnlyMemory<byte> parameters, CancellationToken cancellationToken = default)
    {
        var r = await SendCommandAsync(opcode, parameters, cancellationToken).ConfigureAwait(false);
        return r.ReturnParameters;
    }

    /// <summary>HCI_Read_BD_ADDR (§7.4.6).</summary>
    public async Task<ulong> ReadBdAddrAsync(CancellationToken cancellationToken = default) =>
        HciEvents.ReadBdAddrReturn((await ExecuteAsync(HciOpcode.HCI_Read_BD_ADDR, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false)).Span);

    /// <summary>HCI_Read_Local_Version_Information (§7.4.1).</summary>
    public async Task<LocalVersionInformation> ReadLocalVersionAsync(CancellationToken cancellationToken = default) =>
        HciEvents.ReadLocalVersionReturn((await ExecuteAsync(HciOpcode.HCI_Read_Local_Version_Information, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false)).Span);

    private async Task AcquireCreditAsync(ushort opcode, DateTime deadline, CancellationToken ct)
    {
        while (true)
        {
            Task signal;
            lock (_gate)
            {
                if (_closeReason is not null) throw new BluetoothException($"the HCI channel of {Adapter} is closed", _closeReason);
                if (_credits > 0) { _credits--; return; }
                signal = _creditGranted.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException();
            LogWaitingForCredit(_logger, HciOpcode.Name(opcode), Adapter);
            await signal.WaitAsync(left, ct).ConfigureAwait(false);
        }
    }

    private void GrantCredits(int n)
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _credits = n;
            if (n > 0)
            {
                wake = _creditGranted;
                _creditGranted = NewSignal();
            }
        }
        wake?.TrySetResult();
    }

    private void ReturnCredit()
    {
        int n;
        lock (_gate) n = _credits + 1;
        GrantCredits(n);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Forget(ushort opcode, TaskCompletionSource<HciCommandResult> tcs)
    {
        lock (_gate) _pending.Remove(opcode, tcs);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[ReceiveBufferSize];
        Exception reason;
        try
        {
            while (true)
            {
                int n = await _transport.ReceiveAsync(buffer, _stop.Token).ConfigureAwait(false);
                if (n == 0) { reason = new BluetoothException($"the HCI channel of {Adapter} was closed"); break; }
                Dispatch(buffer.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            reason = new ObjectDisposedException(nameof(HciChannel));
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Disposal closed the socket under a pending receive (ObjectDisposed / OperationAborted).
            reason = new ObjectDisposedException(nameof(HciChannel));
        }
        catch (BluetoothException ex)
        {
            reason = ex;
        }
        catch (Exception ex)
        {
            LogReceiveFailed(_logger, Adapter, ex);
            reason = new BluetoothException($"the HCI channel of {Adapter} failed: {ex.Message}", ex);
        }
        Close(reason);
    }

    /// <summary>Handles one datagram (indicator first). Internal for tests and the benchmark.</summary>
    internal void Dispatch(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty) { Drop("empty datagram"); return; }
        if (datagram[0] != HciPacketType.HCI_EVENT_PKT)
        {
            // Data packets reach us only when a subscriber's filter asked for them; events are all we decode here.
            if (datagram[0] is not (HciPacketType.HCI_ACLDATA_PKT or HciPacketType.HCI_SCODATA_PKT or HciPacketType.HCI_ISODATA_PKT))
                Drop(string.Create(CultureInfo.InvariantCulture, $"unknown packet indicator 0x{datagram[0]:X2}"));
            return;
        }
        HciEventPacket packet;
        try
        {
            packet = HciEventPacket.Decode(datagram[1..]);
            if (packet.Code == HciEventCode.HCI_Command_Complete)
            {
                var cc = HciEvents.CommandComplete(packet.Parameters.Span);
                GrantCredits(cc.NumHciCommandPackets);
                var rp = cc.ReturnParameters;
                // Nearly every command's first return parameter is its Status (Vol 4 Part E §7); none → success.
                var status = rp.Length > 0 ? (HciStatus)rp.Span[0] : HciStatus.Success;
                if (cc.Opcode != HciOpcode.HCI_NOP) Complete(cc.Opcode, status, new HciCommandResult(cc.Opcode, false, rp));
            }
            else if (packet.Code == HciEventCode.HCI_Command_Status)
            {
                var cs = HciEvents.CommandStatus(packet.Parameters.Span);
                GrantCredits(cs.NumHciCommandPackets);
                if (cs.Opcode != HciOpcode.HCI_NOP) Complete(cs.Opcode, cs.Status, new HciCommandResult(cs.Opcode, true, ReadOnlyMemory<byte>.Empty));
            }
        }
        catch (HciFormatException ex)
        {
            Drop(ex.Message);
            return;
        }
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            if (!s.Filter.Matches(datagram)) continue;
            // A subscriber's exception is its own: log it and keep the loop alive for everyone else.
            try { s.Observer.OnNext(packet); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { LogSubscriberFailed(_logger, Adapter, ex); }
        }
    }

    private void Drop(string reason)
    {
        Interlocked.Increment(ref _dropped);
        LogDropped(_logger, Adapter, reason);
    }

    private void Complete(ushort opcode, HciStatus status, HciCommandResult result)
    {
        TaskCompletionSource<HciCommandResult>? tcs = null;
        lock (_gate) tcs = _pending.Dequeue(opcode);
        // No waiter: the kernel (or another raw socket's user) sent this command; raw sockets see every answer.
        if (tcs is null) return;
        if (status == HciStatus.Success) tcs.TrySetResult(result);
        else tcs.TrySetException(new HciCommandException(opcode, status, Adapter));
    }

    private void Close(Exception reason)
    {
        List<TaskCompletionSource<HciCommandResult>> all;
        Subscription[] subs;
        TaskCompletionSource wake;
        lock (_gate)
        {
            if (_closeReason is not null) return;
            _closeReason = reason;
            all = _pending.TakeAll();
            subs = _subscribers;
            _subscribers = [];
            wake = _creditGranted;
        }
        wake.TrySetResult();
        foreach (var t in all) t.TrySetException(new BluetoothException($"the HCI channel of {Adapter} closed before the answer", reason));
        foreach (var s in subs)
        {
            try
            {
                if (reason is ObjectDisposedException) s.Observer.OnCompleted();
                else s.Observer.OnError(reason);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException) { LogSubscriberFailed(_logger, Adapter, ex); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        try { await _receiveLoop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        Close(new ObjectDisposedException(nameof(HciChannel)));
        _stop.Dispose();
    }

    private sealed record Subscription(HciFilter Filter, IObserver<HciEventPacket> Observer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed HCI packet on {Adapter}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string adapter, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Command} on {Adapter} waits for a command credit")]
    private static partial void LogWaitingForCredit(ILogger logger, string command, string adapter);

    [LoggerMessage(Level = LogLevel.Error, Message = "HCI receive loop of {Adapter} failed")]
    private static partial void LogReceiveFailed(ILogger logger, string adapter, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "An HCI event subscriber on {Adapter} threw")]
    private static partial void LogSubscriberFailed(ILogger logger, string adapter, Exception ex);
}
