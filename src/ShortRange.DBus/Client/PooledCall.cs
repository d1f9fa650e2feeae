using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace ShortRange.DBus;

/// <summary>
/// A pending call behind a <see cref="ValueTask{T}"/> (<see cref="Connection.CallMethodPooledAsync{T}"/>): recycled
/// into a small per-type pool when its result is taken, so a call allocates nothing for its completion. Completed once,
/// by whoever removes it from the pending table; continuations run on the thread pool, never on the receive thread.
/// </summary>
internal sealed class PooledCall<T> : IValueTaskSource<T>, IPendingCall
{
    private const int MaxPooled = 64;
    private static readonly ConcurrentQueue<PooledCall<T>> Pool = new();
    private static int s_pooled;

    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };
    private MessageValueReader<T>? _reader;
    private object? _state;

    private PooledCall()
    {
    }

    public Connection? Connection { get; private set; }

    public long Deadline { get; set; }

    public uint Serial { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>The task for the current use; its token changes on every reuse, so a stale ValueTask fails.</summary>
    public ValueTask<T> Task => new(this, _core.Version);

    public static PooledCall<T> Rent(Connection connection, MessageValueReader<T> reader, object? state)
    {
        if (Pool.TryDequeue(out PooledCall<T>? call))
        {
            Interlocked.Decrement(ref s_pooled);
        }
        else
        {
            call = new PooledCall<T>();
        }
        call.Connection = connection;
        call._reader = reader;
        call._state = state;
        return call;
    }

    public void Complete(Message reply)
    {
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
            _core.SetException(new DBusErrorException(reply.ErrorNameAsString!, text));
            return;
        }
        T result;
        try
        {
            result = _reader!(reply, _state);
        }
        catch (Exception e)
        {
            _core.SetException(e);
            return;
        }
        _core.SetResult(result);
    }

    public void Fail(Exception exception) => _core.SetException(exception);

    public T GetResult(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            return _core.GetResult(token); // throws: awaited twice, after reuse, or read before completion
        }
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // Unregister first: Dispose waits for a cancellation callback that is running, so none can touch
            // this source once it is back in the pool.
            Registration.Dispose();
            Registration = default;
            Connection = null;
            _reader = null;
            _state = null;
            _core.Reset();
            if (Interlocked.Increment(ref s_pooled) <= MaxPooled)
            {
                Pool.Enqueue(this);
            }
            else
            {
                Interlocked.Decrement(ref s_pooled);
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
