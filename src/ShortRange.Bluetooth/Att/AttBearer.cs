using System.Reactive.Subjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ShortRange.Bluetooth.Att;

/// <summary>
/// One ATT bearer (Core 5.4 Vol 3 Part F §3.3): sends our requests one at a time and matches their responses,
/// delivers the peer's notifications and indications (confirming each indication after every observer saw it), and
/// answers the peer's requests through <see cref="IAttRequestHandler"/> (an LE link is client and server at once).
/// A transaction without a response within <see cref="AttConstants.TransactionTimeout"/> fails with
/// <see cref="AttTimeoutException"/> and ends the bearer, as §3.3.3 requires. The first close reason wins and reaches
/// every pending request and the <see cref="ValueUpdates"/> stream.
/// </summary>
public sealed class AttBearer : IDisposable
{
    // A fixed-channel SDU is at most ATT_MTU (≤ 517 for EATT/ATT); a larger buffer never truncates one.
    private const int ReceiveBufferSize = 2048;

    private readonly IAttTransport _transport;
    private readonly IAttRequestHandler _handler;
    private readonly ILogger _logger;
    private readonly TimeSpan _transactionTimeout;
    private readonly CancellationTokenSource _cts = new();
    private readonly SemaphoreSlim _requestSlot = new(1, 1);  // §3.3.2: one outstanding request per bearer
    private readonly Subject<AttHandleValue> _valueUpdates = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closing; // under _gate: set first, so no request slips in while the channel is being released
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _indicationSlot = new(1, 1);   // §3.4.7.2: one indication outstanding
    private TaskCompletionSource<AttPdu>? _pending;
    private TaskCompletionSource? _pendingIndication;
    private AttOpcode _pendingOpcode;
    private Task? _receiveLoop;
    private bool _mtuExchanged;

    public AttBearer(IAttTransport transport, IAttRequestHandler? handler = null, ILogger? logger = null, TimeSpan? transactionTimeout = null,
        ushort localReceiveMtu = 517)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _handler = handler ?? AttNoDatabaseHandler.Instance;
        _logger = logger ?? NullLogger.Instance;
        _transactionTimeout = transactionTimeout ?? AttConstants.TransactionTimeout;
        LocalReceiveMtu = Math.Max(localReceiveMtu, AttConstants.ATT_DEFAULT_LE_MTU);
    }

    /// <summary>The ATT_MTU in force: 23 until an exchange, then the smaller of both sides' receive MTUs (§3.4.2).</summary>
    public ushort Mtu { get; private set; } = AttConstants.ATT_DEFAULT_LE_MTU;

    /// <summary>The largest PDU this side accepts, offered in MTU exchanges.</summary>
    public ushort LocalReceiveMtu { get; }

    /// <summary>
    /// Hot stream of the peer's notifications and indications (value updates, in arrival order). Ends with
    /// <see cref="AttBearerClosedException"/> when the bearer closes.
    /// </summary>
    public IObservable<AttHandleValue> ValueUpdates => _valueUpdates;

    /// <summary>Completes with the close reason (never faults) once the bearer has ended.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>Starts receiving. Call once, after subscribing to what must not be missed.</summary>
    public void Start()
    {
        if (_receiveLoop is not null) throw new InvalidOperationException("already started");
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>ATT_EXCHANGE_MTU_REQ with <see cref="LocalReceiveMtu"/>; returns the resulting ATT_MTU.</summary>
    public async Task<ushort> ExchangeMtuAsync(CancellationToken cancellationToken = default)
    {
        var rsp = (AttExchangeMtuResponse)await RequestAsync(new AttExchangeMtuRequest(LocalReceiveMtu), cancellationToken).ConfigureAwait(false);
        SetMtu(rsp.ServerRxMtu);
        return Mtu;
    }

    /// <summary>
    /// Sends <paramref name="request"/> once the previous transaction has finished and returns its response.
    /// Cancelling stops the wait only: the transaction stays outstanding on the bearer until answered or timed out.
    /// </summary>
    /// <exception cref="AttErrorResponseException">the peer answered ATT_ERROR_RSP.</exception>
    /// <exception cref="AttTimeoutException">no answer within the transaction timeout (the bearer is then closed).</exception>
    /// <exception cref="AttBearerClosedException">the bearer ended first.</exception>
    /// <remarks>
    /// On Insufficient Authentication or Insufficient Encryption, a transport that implements
    /// <see cref="IAttSecurityTransport"/> (the L2CAP one does) raises BT_SECURITY and the request is sent once more.
    /// </remarks>
    public async Task<AttPdu> RequestAsync(AttPdu request, CancellationToken cancellationToken = default)
    {
        try
        {
            return await RequestOnceAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AttErrorResponseException e) when (e.ErrorCode is AttErrorCode.InsufficientAuthentication or AttErrorCode.InsufficientEncryption
            && _transport is IAttSecurityTransport)
        {
            // Part C §10.3.2: the client raises the link's security and may retry; once, so a peer that still refuses
            // (pairing failed, or it wants more than we can give) ends with its error response.
            if (!await RaiseSecurityAsync(e.ErrorCode!.Value, cancellationToken).ConfigureAwait(false)) throw;
            _logger.LogDebug("ATT: {Opcode} got {Error}; security raised, retrying once", request.Opcode, e.ErrorCode);
            return await RequestOnceAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    // Waits for the raised link (the kernel encrypts, or pairs first) within the transaction timeout; a bearer that
    // closes meanwhile ends the wait. False (the peer's error stands) when the link could not be raised in time.
    private async Task<bool> RaiseSecurityAsync(AttErrorCode reason, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cts.Token);
        wait.CancelAfter(_transactionTimeout);
        try
        {
            return await ((IAttSecurityTransport)_transport).RaiseSecurityAsync(reason, wait.Token).ConfigureAwait(false);
        }
        catch (Exception x) when (x is BluetoothException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The kernel refused BT_SECURITY (for example no SMP on this link): the peer's error is the answer.
            _logger.LogWarning(x, "ATT: raising security after {Error} failed", reason);
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (_cts.IsCancellationRequested) throw ClosedException();
            _logger.LogWarning("ATT: the link did not reach the security {Error} asks for within {Timeout} s", reason, _transactionTimeout.TotalSeconds);
            return false;
        }
    }

    private async Task<AttPdu> RequestOnceAsync(AttPdu request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AttOpcodes.GetKind((byte)request.Opcode) != AttPduKind.Request) throw new ArgumentException($"{request.Opcode} is not a request", nameof(request));
        var bytes = AttCodec.Encode(request);
        if (bytes.Length > Mtu) throw new ArgumentException($"{request.Opcode} of {bytes.Length} octets exceeds ATT_MTU {Mtu}", nameof(request));

        await _requestSlot.WaitAsync(cancellationToken).ConfigureAwait(false);
        var tcs = new TaskCompletionSource<AttPdu>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_closing)
            {
                _requestSlot.Release();
                throw ClosedException();
            }
            _pending = tcs;
            _pendingOpcode = request.Opcode;
        }
        _ = WatchTransactionAsync(tcs, request.Opcode);
        try
        {
            // Not cancellable: a request half-handed to the kernel cannot be withdrawn.
            await _transport.SendAsync(bytes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BluetoothException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Close(e);
        }
        var response = await tcs.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return response is AttErrorResponse error ? throw new AttErrorResponseException(error) : response;
    }

    /// <summary>Sends a command (ATT_WRITE_CMD, ATT_SIGNED_WRITE_CMD): no response, no transaction.</summary>
    public async Task SendCommandAsync(AttPdu command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (AttOpcodes.GetKind((byte)command.Opcode) != AttPduKind.Command) throw new ArgumentException($"{command.Opcode} is not a command", nameof(command));
        var bytes = AttCodec.Encode(command);
        if (bytes.Length > Mtu) throw new ArgumentException($"{command.Opcode} of {bytes.Length} octets exceeds ATT_MTU {Mtu}", nameof(command));
        if (_closed.Task.IsCompleted) throw ClosedException();
        await _transport.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ATT_HANDLE_VALUE_NTF (§3.4.7.1), server side: no confirmation. The value is at most ATT_MTU − 3 octets.</summary>
    public async Task NotifyAsync(ushort handle, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var bytes = AttCodec.Encode(new AttHandleValueNotification(handle, value));
        if (bytes.Length > Mtu) throw new ArgumentException($"a notification of {value.Length} octets exceeds ATT_MTU {Mtu} − 3", nameof(value));
        if (_closed.Task.IsCompleted) throw ClosedException();
        await _transport.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// ATT_HANDLE_VALUE_IND (§3.4.7.2), server side: completes when the client's ATT_HANDLE_VALUE_CFM arrives. One
    /// indication is outstanding at a time; no confirmation within the transaction timeout ends the bearer (§3.3.3).
    /// </summary>
    /// <exception cref="AttTimeoutException">no confirmation in time (the bearer is then closed).</exception>
    /// <exception cref="AttBearerClosedException">the bearer ended first.</exception>
    public async Task IndicateAsync(ushort handle, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var bytes = AttCodec.Encode(new AttHandleValueIndication(handle, value));
        if (bytes.Length > Mtu) throw new ArgumentException($"an indication of {value.Length} octets exceeds ATT_MTU {Mtu} − 3", nameof(value));
        await _indicationSlot.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_closing) throw ClosedException();
                _pendingIndication = tcs;
            }
            await _transport.SendAsync(bytes, CancellationToken.None).ConfigureAwait(false);
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
            var finished = await Task.WhenAny(tcs.Task, Task.Delay(_transactionTimeout, delay.Token)).WaitAsync(cancellationToken).ConfigureAwait(false);
            delay.Cancel();
            if (finished != tcs.Task && !tcs.Task.IsCompleted)
            {
                var timeout = new AttTimeoutException($"no confirmation of the indication on 0x{handle:X4} within {_transactionTimeout.TotalSeconds:0.#} s");
                Close(timeout);
                throw timeout;
            }
            await tcs.Task.ConfigureAwait(false);
        }
        finally
        {
            lock (_gate) _pendingIndication = null;
            _indicationSlot.Release();
        }
    }

    /// <summary>Ends the bearer (closes the channel); pending requests fail with <see cref="AttBearerClosedException"/>.</summary>
    public void Dispose() => Close(new ObjectDisposedException(nameof(AttBearer)));

    private async Task WatchTransactionAsync(TaskCompletionSource<AttPdu> tcs, AttOpcode opcode)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        var finished = await Task.WhenAny(tcs.Task, Task.Delay(_transactionTimeout, delay.Token)).ConfigureAwait(false);
        delay.Cancel();
        if (finished == tcs.Task || _cts.IsCancellationRequested) return;
        var timeout = new AttTimeoutException($"no response to {opcode} within {_transactionTimeout.TotalSeconds:0.#} s");
        if (TryTakePending(tcs)) tcs.TrySetException(timeout);
        Close(timeout);
    }

    private bool TryTakePending(TaskCompletionSource<AttPdu> tcs)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_pending, tcs)) return false;
            _pending = null;
        }
        _requestSlot.Release();
        return true;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[ReceiveBufferSize];
        try
        {
            while (true)
            {
                int n = await _transport.ReceiveAsync(buffer, _cts.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    Close(new AttBearerClosedException("the peer or the link closed the ATT channel"));
                    return;
                }
                await DispatchAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Includes exceptions thrown by an observer or the request handler: the pump must not die silently and
            // leave requests pending forever, so the bearer ends with that exception as its reason.
            Close(e);
        }
    }

    private async ValueTask DispatchAsync(ReadOnlyMemory<byte> pdu)
    {
        byte opcode = pdu.Span[0];
        var kind = AttOpcodes.GetKind(opcode);
        AttPdu decoded;
        try
        {
            decoded = AttCodec.Decode(pdu.Span);
        }
        catch (AttFormatException e)
        {
            switch (kind)
            {
                case AttPduKind.Request:
                    await ReplyAsync(new AttErrorResponse((AttOpcode)opcode, 0, AttErrorCode.InvalidPdu)).ConfigureAwait(false);
                    return;
                case AttPduKind.Response:
                    Close(e);   // a broken answer leaves the transaction undecidable
                    return;
                default:
                    _logger.LogWarning(e, "ATT: dropped malformed {Kind} 0x{Opcode:X2}", kind, opcode);
                    return;
            }
        }

        switch (decoded)
        {
            case AttHandleValueNotification n:
                _valueUpdates.OnNext(new AttHandleValue(n.AttributeHandle, n.AttributeValue));
                break;
            case AttMultipleHandleValueNotification m:
                foreach (var t in m.HandleLengthValueTupleList) _valueUpdates.OnNext(t);
                break;
            case AttHandleValueIndication i:
                _valueUpdates.OnNext(new AttHandleValue(i.AttributeHandle, i.AttributeValue));
                await ReplyAsync(new AttHandleValueConfirmation()).ConfigureAwait(false);
                break;
            case AttHandleValueConfirmation:
                TaskCompletionSource? indication;
                lock (_gate) indication = _pendingIndication;
                if (indication is null) _logger.LogWarning("ATT: confirmation without an outstanding indication");
                else indication.TrySetResult();
                break;
            case AttExchangeMtuRequest mtu:
                await ReplyAsync(new AttExchangeMtuResponse(LocalReceiveMtu)).ConfigureAwait(false);
                SetMtu(mtu.ClientRxMtu);
                break;
            case AttUnknownPdu u:
                if (!AttOpcodes.IsCommand(u.RawOpcode))   // §3.4.1.1: unknown requests are answered, unknown commands ignored
                    await ReplyAsync(new AttErrorResponse(u.Opcode, 0, AttErrorCode.RequestNotSupported)).ConfigureAwait(false);
                break;
            default:
                if (kind == AttPduKind.Response) CompleteTransaction(decoded);
                else if (kind is AttPduKind.Request or AttPduKind.Command or AttPduKind.Confirmation)
                {
                    var reply = await _handler.HandleAsync(this, decoded, _cts.Token).ConfigureAwait(false);
                    if (kind == AttPduKind.Request)
                        await ReplyAsync(reply ?? new AttErrorResponse(decoded.Opcode, 0, AttErrorCode.UnlikelyError)).ConfigureAwait(false);
                }
                break;
        }
    }

    private void CompleteTransaction(AttPdu response)
    {
        TaskCompletionSource<AttPdu>? tcs;
        lock (_gate)
        {
            tcs = _pending;
            bool matches = tcs is not null && (response.Opcode == AttOpcodes.ResponseTo(_pendingOpcode)
                || response is AttErrorResponse e && e.RequestOpcodeInError == _pendingOpcode);
            if (!matches)
            {
                tcs = null;
            }
            else
            {
                _pending = null;
            }
        }
        if (tcs is null)
        {
            Close(new AttFormatException($"unexpected {response.Opcode} (outstanding: {(_pending is null ? "none" : _pendingOpcode)})"));
            return;
        }
        _requestSlot.Release();
        tcs.TrySetResult(response);
    }

    /// <summary>Sends a response or confirmation of ours (server side of the bearer).</summary>
    internal async ValueTask ReplyAsync(AttPdu pdu)
    {
        try
        {
            await _transport.SendAsync(AttCodec.Encode(pdu), _cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BluetoothException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Close(e);
        }
    }

    private void SetMtu(ushort peerReceiveMtu)
    {
        if (_mtuExchanged) return;   // §3.4.2.2: the exchange happens once per connection
        _mtuExchanged = true;
        Mtu = Math.Max(AttConstants.ATT_DEFAULT_LE_MTU, Math.Min(LocalReceiveMtu, peerReceiveMtu));
    }

    private AttBearerClosedException ClosedException() =>
        new("the ATT bearer is closed", _closed.Task.IsCompleted ? _closed.Task.Result : null);

    private void Close(Exception reason)
    {
        TaskCompletionSource<AttPdu>? pending;
        TaskCompletionSource? indication;
        lock (_gate)
        {
            if (_closing) return;
            _closing = true;
            pending = _pending;
            _pending = null;
            indication = _pendingIndication;
        }
        _logger.LogDebug(reason, "ATT bearer closed");
        _cts.Cancel();
        // The channel is released before Closed completes: whoever awaits Closed may reuse the link at once.
        _transport.Dispose();
        _closed.TrySetResult(reason);
        var closed = reason as AttBearerClosedException ?? new AttBearerClosedException("the ATT bearer closed: " + reason.Message, reason);
        indication?.TrySetException(reason is AttTimeoutException ? reason : closed);
        if (pending is not null)
        {
            _requestSlot.Release();
            pending.TrySetException(reason is AttTimeoutException ? reason : closed);
        }
        _valueUpdates.OnError(closed);
    }
}
