using System.Runtime.CompilerServices;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>
/// A listening RFCOMM socket. Bound to channel 0 the kernel allocates a free server channel at listen() (rfcomm_sock_listen
/// tries 1–30); <see cref="Channel"/> reads it back with getsockname. Dispose stops listening; a pending accept then fails.
/// </summary>
public sealed class RfcommListener : IDisposable, IAsyncDisposable
{
    private readonly NativeSocket _socket;

    private RfcommListener(NativeSocket socket, RfcommSocketAddress local)
    {
        _socket = socket;
        LocalAddress = local;
    }

    /// <summary>The bound adapter address and server channel, as the kernel reports them after listen().</summary>
    public RfcommSocketAddress LocalAddress { get; }

    /// <summary>The server channel (1–30) clients connect to.</summary>
    public byte Channel => LocalAddress.Channel;

    /// <summary>The listening native socket.</summary>
    public NativeSocket NativeSocket => _socket;

    /// <summary>
    /// Listens on <paramref name="channel"/> (0: the kernel picks a free one) of adapter <paramref name="localAddress"/>
    /// (0: any). A channel already in use throws <see cref="RfcommException"/> with EADDRINUSE.
    /// </summary>
    public static RfcommListener Listen(ulong localAddress = 0, byte channel = 0, RfcommOptions? options = null, int backlog = 4)
    {
        if (channel > 30) throw new ArgumentOutOfRangeException(nameof(channel), "RFCOMM server channels are 1–30 (0: any)");
        options ??= RfcommOptions.Default;
        var s = RfcommSockets.Open(new RfcommSocketAddress(localAddress, channel), options);
        try
        {
            s.Listen(backlog);
            return new RfcommListener(s, RfcommSocketAddress.Read(s.GetLocalAddress()));
        }
        catch (NativeSocketException e)
        {
            s.Dispose();
            throw RfcommException.For(e.Operation, e.ErrorNumber, false, e);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Accepts one connection (async on epoll, cancellable).</summary>
    public async Task<RfcommStream> AcceptAsync(CancellationToken cancellationToken = default)
    {
        NativeSocket accepted;
        try
        {
            accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NativeSocketException e)
        {
            throw RfcommException.For("accept", e.ErrorNumber, false, e);
        }
        try
        {
            return RfcommStream.FromConnected(accepted);
        }
        catch
        {
            accepted.Dispose();
            throw;
        }
    }

    /// <summary>The accept loop: yields each incoming stream until cancelled or disposed.</summary>
    public async IAsyncEnumerable<RfcommStream> AcceptAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
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
