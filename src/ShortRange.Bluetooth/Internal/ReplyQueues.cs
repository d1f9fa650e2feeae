namespace ShortRange.Bluetooth.Internal;

/// <summary>
/// Waiters for command replies, one FIFO per key (HCI opcode; mgmt opcode and controller index): the kernel answers
/// the commands of one key in order, so the oldest waiter gets the next reply. Not thread-safe: callers hold their lock.
/// </summary>
internal sealed class ReplyQueues<TKey, TResult> where TKey : notnull
{
    private readonly Dictionary<TKey, Queue<TaskCompletionSource<TResult>>> _queues = [];

    public void Enqueue(TKey key, TaskCompletionSource<TResult> waiter)
    {
        if (!_queues.TryGetValue(key, out var q)) _queues[key] = q = new Queue<TaskCompletionSource<TResult>>();
        q.Enqueue(waiter);
    }

    /// <summary>The oldest waiter of <paramref name="key"/>, or null when nobody waits (someone else's command).</summary>
    public TaskCompletionSource<TResult>? Dequeue(TKey key) =>
        _queues.TryGetValue(key, out var q) && q.Count > 0 ? q.Dequeue() : null;

    /// <summary>Forgets a waiter that timed out or was cancelled, keeping the others in order.</summary>
    public void Remove(TKey key, TaskCompletionSource<TResult> waiter)
    {
        if (!_queues.TryGetValue(key, out var q) || !q.Contains(waiter)) return;
        var rest = q.Where(t => t != waiter).ToArray();
        q.Clear();
        foreach (var t in rest) q.Enqueue(t);
    }

    /// <summary>Every waiter, removed (the channel closed).</summary>
    public List<TaskCompletionSource<TResult>> TakeAll()
    {
        var all = _queues.Values.SelectMany(q => q).ToList();
        _queues.Clear();
        return all;
    }
}
