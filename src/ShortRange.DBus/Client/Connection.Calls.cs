using Microsoft.Extensions.Logging;

namespace ShortRange.DBus;

public sealed partial class Connection
{
    /// <summary>Sends a method call and completes when its reply arrives (D-Bus error → <see cref="DBusErrorException"/>).</summary>
    public Task CallMethodAsync(MessageBuffer message, CancellationToken cancellationToken = default) =>
        CallMethodAsync<object?>(message, null!, null, cancellationToken);

    /// <summary>
    /// Sends a method call; <paramref name="reader"/> turns the reply into a value on the receive loop. Fails with
    /// <see cref="DBusErrorException"/> for an ERROR reply, <see cref="TimeoutException"/> after <see cref="DefaultTimeout"/>,
    /// <see cref="OperationCanceledException"/> on cancellation, <see cref="DisconnectedException"/> when the connection closes.
    /// </summary>
    public Task<T> CallMethodAsync<T>(MessageBuffer message, MessageValueReader<T> reader, object? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (cancellationToken.IsCancellationRequested)
        {
            message.Dispose();
            return Task.FromCanceled<T>(cancellationToken);
        }
        var call = new PendingCall<T>(this, reader, state);
        if (AddPending(message, call) is { } error)
        {
            return Task.FromException<T>(error);
        }
        if (cancellationToken.CanBeCanceled)
        {
            // The call is the callback state (no closure or tuple per call); only its own serial is removed.
            call.Registration = cancellationToken.UnsafeRegister(static (s, ct) =>
            {
                var p = (PendingCall<T>)s!;
                p.Connection.CancelPending(p.Serial, ct);
            }, call);
            if (call.Task.IsCompleted)
            {
                call.Registration.Dispose(); // the reply won the race with the registration
            }
        }
        SendCall(message, call);
        return call.Task;
    }

    /// <summary>
    /// Like <see cref="CallMethodAsync{T}(MessageBuffer, MessageValueReader{T}, object?, CancellationToken)"/>, with
    /// no allocation for the pending call: the returned <see cref="ValueTask{T}"/> is backed by a pooled source that is
    /// recycled when awaited, so it must be awaited exactly once (never twice, never <c>.Result</c> before completion;
    /// use <see cref="ValueTask{T}.AsTask"/> to keep it). Same failures, same reply-reader rules.
    /// </summary>
    public ValueTask<T> CallMethodPooledAsync<T>(MessageBuffer message, MessageValueReader<T> reader, object? state = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reader);
        if (cancellationToken.IsCancellationRequested)
        {
            message.Dispose();
            return ValueTask.FromCanceled<T>(cancellationToken);
        }
        PooledCall<T> call = PooledCall<T>.Rent(this, reader, state);
        ValueTask<T> task = call.Task;
        if (AddPending(message, call) is { } error)
        {
            return ValueTask.FromException<T>(error); // the unused source is simply left to the GC
        }
        if (cancellationToken.CanBeCanceled)
        {
            // Disposed in GetResult before the source is recycled, so a late callback never sees a reused source.
            call.Registration = cancellationToken.UnsafeRegister(static (s, ct) =>
            {
                var p = (PooledCall<T>)s!;
                p.Connection!.CancelPending(p.Serial, ct);
            }, call);
        }
        SendCall(message, call);
        return task;
    }

    // Stamps the serial and registers the call for its reply; an exception when the connection is not usable.
    private Exception? AddPending(MessageBuffer message, IPendingCall call)
    {
        call.Deadline = Environment.TickCount64 + (long)_options.DefaultTimeout.TotalMilliseconds;
        lock (_gate)
        {
            if (_closeReason is not null || _transport is null)
            {
                message.Dispose();
                return _closeReason is null ? new InvalidOperationException("Not connected.") : ClosedError();
            }
            uint serial = NextSerial();
            message.Serial = serial;
            call.Serial = serial;
            _pending.Add(serial, call);
        }
        return null;
    }

    private void SendCall(MessageBuffer message, IPendingCall call)
    {
        if (!Send(message))
        {
            RemovePending(call.Serial)?.Fail(ClosedError());
        }
    }

    private void CancelPending(uint serial, CancellationToken cancellationToken)
    {
        if (RemovePending(serial) is { } removed)
        {
            removed.Fail(new OperationCanceledException(cancellationToken));
        }
    }

    /// <summary>Queues a message that expects no reply (signal, reply, NO_REPLY_EXPECTED call). False when closed.</summary>
    public bool TrySendMessage(MessageBuffer message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Serial = NextSerial();
        return Send(message);
    }

    // Sends on the caller's thread when nothing is queued or being sent (no thread hop on the common path);
    // otherwise queues for the send loop. _sendBusy is held by whoever writes to the socket, and the send loop
    // takes it before dequeuing, so messages leave in the order they were queued.
    private bool Send(MessageBuffer message)
    {
        UnixTransport? transport = _transport;
        if (transport is not null && _closeReason is null && Interlocked.CompareExchange(ref _sendBusy, 1, 0) == 0)
        {
            if (Volatile.Read(ref _queued) == 0)
            {
                try
                {
                    transport.Send(message);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or NotSupportedException)
                {
                    Volatile.Write(ref _sendBusy, 0);
                    message.Dispose();
                    Disconnect(new IOException("Sending to the bus failed: " + e.Message, e));
                    return false;
                }
                Volatile.Write(ref _sendBusy, 0);
                message.Dispose();
                return true;
            }
            Volatile.Write(ref _sendBusy, 0);
        }
        Interlocked.Increment(ref _queued);
        if (!_sendQueue.Writer.TryWrite(message))
        {
            Interlocked.Decrement(ref _queued);
            message.Dispose();
            return false;
        }
        return true;
    }

    private uint NextSerial()
    {
        uint serial = (uint)Interlocked.Increment(ref _serial);
        if (serial == 0)
        {
            serial = (uint)Interlocked.Increment(ref _serial); // 0 is not a valid serial
        }
        return serial;
    }

    private IPendingCall? RemovePending(uint serial)
    {
        lock (_gate)
        {
            return _pending.Remove(serial, out IPendingCall? call) ? call : null;
        }
    }

    private void ExpireCalls()
    {
        long now = Environment.TickCount64;
        List<IPendingCall>? expired = null;
        lock (_gate)
        {
            foreach (var (serial, call) in _pending)
            {
                if (call.Deadline <= now)
                {
                    (expired ??= new()).Add(call);
                }
            }
            if (expired is not null)
            {
                foreach (IPendingCall call in expired)
                {
                    _pending.Remove(call.Serial);
                }
            }
        }
        if (expired is not null)
        {
            foreach (IPendingCall call in expired)
            {
                call.Fail(new TimeoutException($"No reply to method call {call.Serial} within {_options.DefaultTimeout.TotalSeconds:0.###} s."));
            }
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (await _sendQueue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (Interlocked.CompareExchange(ref _sendBusy, 1, 0) != 0)
                {
                    await Task.Yield();
                }
                try
                {
                    while (_sendQueue.Reader.TryRead(out MessageBuffer? message))
                    {
                        Interlocked.Decrement(ref _queued);
                        try
                        {
                            _transport!.Send(message); // blocks only while the socket buffer is full
                        }
                        finally
                        {
                            message.Dispose();
                        }
                    }
                }
                finally
                {
                    Volatile.Write(ref _sendBusy, 0);
                }
            }
        }
        catch (Exception e)
        {
            if (_closeReason is null)
            {
                _logger.LogDebug(e, "D-Bus send failed");
            }
            Disconnect(new IOException("Sending to the bus failed: " + e.Message, e));
        }
    }
}
