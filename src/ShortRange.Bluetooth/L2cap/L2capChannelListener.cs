using System.Runtime.CompilerServices;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.L2cap;

/// <summary>A listening L2CAP socket that accepts <see cref="L2capChannel"/>s. Dispose stops it; a pending accept then fails.</summary>
public sealed class L2capChannelListener : IDisposable, IAsyncDisposable
{
    private readonly NativeSocket _socket;

    internal L2capChannelListener(NativeSocket socket, L2capSocketAddress local)
    {
        _socket = socket;
        LocalAddress = local;
    }

    /// <summary>The address it was bound to.</summary>
    public L2capSocketAddress LocalAddress { get; }

    /// <summary>The listening native socket (for other options).</summary>
    public NativeSocket NativeSocket => _socket;

    /// <summary>Accepts one channel (async on epoll, cancellable).</summary>
    public async Task<L2capChannel> AcceptAsync(CancellationToken cancellationToken = default)
    {
        NativeSocket accepted;
        try
        {
            accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NativeSocketException e)
        {
            throw L2capException.For("accept", e.ErrorNumber, e);
        }
        try
        {
            return L2capChannel.FromConnected(accepted);
        }
        catch
        {
            accepted.Dispose();
            throw;
        }
    }

    /// <summary>The accept loop: yields each incoming channel until cancelled or disposed.</summary>
    public async IAsyncEnumerable<L2capChannel> AcceptAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
            yield return await AcceptAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _socket.Dispose();

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
