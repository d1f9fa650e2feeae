namespace ShortRange.DBus;

/// <summary>A method call awaiting its reply (correlated by serial). Completed once: reply, error, timeout, cancel or close.</summary>
internal abstract class PendingCall
{
    public long Deadline;
    public uint Serial;
    public CancellationTokenRegistration Registration;

    public abstract void Complete(Message reply);

    public abstract void Fail(Exception exception);
}

internal sealed class PendingCall<T> : PendingCall
{
    // Continuations run on the thread pool: code after `await CallMethodAsync` must never run on (and so be able
    // to block) the receive loop. Measured: running them inline gained nothing here (the bus round trip dominates).
    private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MessageValueReader<T>? _reader;
    private readonly object? _state;

    public PendingCall(MessageValueReader<T>? reader, object? state)
    {
        _reader = reader;
        _state = state;
    }

    public Task<T> Task => _tcs.Task;

    public override void Complete(Message reply)
    {
        Registration.Dispose();
        if (reply.Type == MessageType.Error)
        {
            string? text = null;
            try
            {
                text = reply.ReadErrorMessage();
            }
            catch (ProtocolException)
            {
                // A malformed error text still leaves the error name to report.
            }
            _tcs.TrySetException(new DBusErrorException(reply.ErrorNameAsString!, text));
            return;
        }
        try
        {
            _tcs.TrySetResult(_reader is null ? default! : _reader(reply, _state));
        }
        catch (Exception e)
        {
            _tcs.TrySetException(e);
        }
    }

    public override void Fail(Exception exception)
    {
        Registration.Dispose();
        _tcs.TrySetException(exception);
    }
}
