using System.Globalization;
using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Internal;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>
/// Sends mgmt commands and correlates their Command Complete / Command Status by (opcode, controller index);
/// publishes every other event on <see cref="Events"/>. One receive loop; malformed packets are logged and counted
/// (<see cref="DroppedPackets"/>) and the loop keeps running. When the channel closes, every pending command and
/// the event stream receive the same first close reason.
/// </summary>
public sealed partial class MgmtClient : IAsyncDisposable
{
    // Largest mgmt datagram: 6-byte header + 65535 parameter bytes.
    private const int ReceiveBufferSize = MgmtPacket.HeaderSize + ushort.MaxValue;

    private readonly IMgmtTransport _transport;
    private readonly ILogger _logger;
    private readonly Subject<MgmtPacket> _events = new();
    // FIFO per (opcode, index): the kernel answers a given command on a given controller in order.
    private readonly ReplyQueues<(ushort, ushort), ReadOnlyMemory<byte>> _pending = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private Exception? _closeReason;
    private long _dropped;

    public MgmtClient(IMgmtTransport transport, ILogger? logger = null, TimeSpan? commandTimeout = null)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _logger = logger ?? NullLogger.Instance;
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(10);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public TimeSpan CommandTimeout { get; }

    /// <summary>Events other than Command Complete/Status. Hot; errors once with the close reason when the channel ends.</summary>
    public IObservable<MgmtPacket> Events => _events;

    /// <summary>Malformed or unmatched packets dropped so far.</summary>
    public long DroppedPackets => Interlocked.Read(ref _dropped);

    /// <summary>Sends a command and returns its Return_Parameters; throws <see cref="MgmtException"/> on a failure status.</summary>
    public async Task<ReadOnlyMemory<byte>> SendCommandAsync(ushort opcode, ushort index, ReadOnlyMemory<byte> parameters,
        CancellationToken cancellationToken = default)
    {
        var tcs = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = (opcode, index);
        lock (_gate)
        {
            if (_closeReason is not null) throw new BluetoothException("the mgmt channel is closed", _closeReason);
            _pending.Enqueue(key, tcs);
        }
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await _transport.SendAsync(new MgmtPacket(opcode, index, parameters).ToArray(), cancellationToken).ConfigureAwait(false);
            var answer = await tcs.Task.WaitAsync(CommandTimeout, cancellationToken).ConfigureAwait(false);
            BluetoothMetrics.MgmtCommandDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return answer;
        }
        catch (TimeoutException)
        {
            Forget(key, tcs);
            throw new MgmtTimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"mgmt command {MgmtOpcode.Name(opcode)} on controller index {index} got no answer within {CommandTimeout.TotalSeconds:0.#} s"));
        }
        catch
        {
            Forget(key, tcs);
            throw;
        }
    }

    private void Forget((ushort, ushort) key, TaskCompletionSource<ReadOnlyMemory<byte>> tcs)
    {
        // A late answer for a forgotten command must not complete the next caller's command; we remove our own
        // entry. If the kernel still answers, the FIFO head is then someone else's — acceptable, since the kernel
        // answers every command exactly once and in order; a forgotten one only arises on timeout/cancellation.
        lock (_gate) _pending.Remove(key, tcs);
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
                if (n == 0) { reason = new BluetoothException("the mgmt channel was closed"); break; }
                Dispatch(buffer.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            reason = new ObjectDisposedException(nameof(MgmtClient));
        }
        catch (Exception ex)
        {
            LogReceiveFailed(_logger, ex);
            reason = new BluetoothException("the mgmt channel failed: " + ex.Message, ex);
        }
        Close(reason);
    }

    internal void Dispatch(ReadOnlySpan<byte> datagram)
    {
        MgmtPacket packet;
        try
        {
            packet = MgmtPacket.Decode(datagram);
            if (packet.Code == MgmtEventCode.MGMT_EV_CMD_COMPLETE)
            {
                var (op, status, ret) = MgmtEvents.CommandComplete(packet.Parameters);
                Complete(op, packet.Index, status, ret);
                return;
            }
            if (packet.Code == MgmtEventCode.MGMT_EV_CMD_STATUS)
            {
                var (op, status) = MgmtEvents.CommandStatus(packet.Parameters.Span);
                Complete(op, packet.Index, status, ReadOnlyMemory<byte>.Empty);
                return;
            }
        }
        catch (MgmtProtocolException ex)
        {
            Interlocked.Increment(ref _dropped);
            LogDropped(_logger, ex.Message);
            return;
        }
        // Subscribers' exceptions are theirs: Subject propagates them to us; we log and keep the loop alive
        // rather than tearing the channel down for every other subscriber.
        try { _events.OnNext(packet); }
        catch (Exception ex) when (ex is not OutOfMemoryException) { LogSubscriberFailed(_logger, ex); }
    }

    private void Complete(ushort opcode, ushort index, MgmtStatus status, ReadOnlyMemory<byte> ret)
    {
        TaskCompletionSource<ReadOnlyMemory<byte>>? tcs = null;
        lock (_gate) tcs = _pending.Dequeue((opcode, index));
        if (tcs is null)
        {
            // Another mgmt user (btmgmt, bluetoothd) gets its own replies on its own socket, so this is rare.
            Interlocked.Increment(ref _dropped);
            LogUnmatched(_logger, opcode, index);
            return;
        }
        if (status == MgmtStatus.Success) tcs.TrySetResult(ret.ToArray());
        else tcs.TrySetException(new MgmtException(opcode, index, status));
    }

    private void Close(Exception reason)
    {
        List<TaskCompletionSource<ReadOnlyMemory<byte>>> all;
        lock (_gate)
        {
            if (_closeReason is not null) return;
            _closeReason = reason;
            all = _pending.TakeAll();
        }
        foreach (var t in all) t.TrySetException(new BluetoothException("the mgmt channel closed before the answer", reason));
        if (reason is ObjectDisposedException) _events.OnCompleted();
        else _events.OnError(reason);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        try { await _receiveLoop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        Close(new ObjectDisposedException(nameof(MgmtClient)));
        _stop.Dispose();
        _events.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed mgmt packet: {Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped unmatched mgmt reply to opcode 0x{Opcode:X4} on index {Index}")]
    private static partial void LogUnmatched(ILogger logger, ushort opcode, ushort index);

    [LoggerMessage(Level = LogLevel.Error, Message = "mgmt receive loop failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "A mgmt event subscriber threw")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception ex);
}
