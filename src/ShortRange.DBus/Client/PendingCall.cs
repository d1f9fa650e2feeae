namespace ShortRange.DBus;

/// <summary>A method call awaiting its reply (correlated by serial). Completed once: reply, error, timeout, cancel or close —
/// by whoever removes it from the connection's pending table.</summary>
internal interface IPendingCall
{
    long Deadline { get; set; }

    uint Serial { get; set; }

    void Complete(Message reply);

    void Fail(Exception exception);
}

/// <summary>
/// The pending call is its own TaskCompletionSource (one object less per call). Continuations run on the thread pool:
/// code after <c>await CallMethodAsync</c> must never run on (and so be able to block) the receive thread.
/// </summary>
internal sealed class PendingCall<T> : TaskCompletionSource<T>, IPendingCall
{
    private readonly MessageValueReader<T>? _reader;
    private readonly object? _state;

    public PendingCall(Connection connection, MessageValueReader<T>? reader, object? state)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Connection = connection;
        _reader = reader;
        _state = state;
    }

    public Connection Connection { get; }

    public long Deadline { get; set; }

    public uint Serial { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    public void Complete(Message reply)
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
            TrySetException(new DBusErrorException(reply.ErrorNameAsString!, text));
            return;
        }
        try
        {
            TrySetResult(_reader is null ? default! : _reader(reply, _state));
        }
        catch (Exception e)
        {
            TrySetException(e);
        }
    }

    public void Fail(Exception exception)
    {
        Registration.Dispose();
        TrySetException(exception);
    }
}
