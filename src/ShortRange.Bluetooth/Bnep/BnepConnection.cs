using Microsoft.Extensions.Logging;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>
/// A running kernel BNEP session and its bnepN interface. <see cref="Down"/> completes when the session ends (peer
/// disconnect, link loss, BNEPCONNDEL). Disposal deletes the session (BNEPCONNDEL), waits (bounded) until the kernel
/// has removed it and its interface, then closes the L2CAP socket.
/// </summary>
public sealed class BnepConnection : IAsyncDisposable
{
    private readonly IBnepChannel _channel;
    private readonly IBnepKernel _kernel;
    private readonly IPanNetwork _network;
    private readonly bool _ownsKernelAndNetwork;
    private readonly TimeSpan _timeout;
    private readonly ILogger? _logger;
    private readonly TaskCompletionSource _down = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _events;
    private int _disposed;

    internal BnepConnection(IBnepChannel channel, IBnepKernel kernel, IPanNetwork network, bool ownsKernelAndNetwork, string name, int index,
        BnepRole local, BnepRole remote, ulong peer, string? bridge, TimeSpan timeout, ILogger? logger)
    {
        _channel = channel;
        _kernel = kernel;
        _network = network;
        _ownsKernelAndNetwork = ownsKernelAndNetwork;
        InterfaceName = name;
        InterfaceIndex = index;
        LocalRole = local;
        RemoteRole = remote;
        Peer = new BluetoothDeviceAddress(peer, BluetoothAddressType.BrEdr);
        Bridge = bridge;
        _timeout = timeout;
        _logger = logger;
        _events = network.LinkEvents.Subscribe(OnLink, e => _logger?.LogWarning(e, "BNEP {Interface}: link events ended", name));
        if (kernel.GetConnectionInfo(peer) is null) _down.TrySetResult(); // ended before we watched
    }

    /// <summary>The kernel's interface name (bnep0, bnep1 …).</summary>
    public string InterfaceName { get; }

    /// <summary>ifindex in the namespace it was created in.</summary>
    public int InterfaceIndex { get; }

    public BnepRole LocalRole { get; }

    public BnepRole RemoteRole { get; }

    /// <summary>The remote device.</summary>
    public BluetoothDeviceAddress Peer { get; }

    /// <summary>The bridge the interface was attached to (NAP/GN server), or null.</summary>
    public string? Bridge { get; }

    /// <summary>Completes (never faults) when the kernel session and its interface are gone.</summary>
    public Task Down => _down.Task;

    /// <summary>BNEPGETCONNINFO for this session, or null once it has ended.</summary>
    public BnepConnectionInfo? GetKernelInfo() => _kernel.GetConnectionInfo(Peer.Value);

    private void OnLink(BnepLinkEvent e)
    {
        if (!e.Removed || e.Index != InterfaceIndex || e.Name != InterfaceName) return;
        if (!e.MovedAway) { _down.TrySetResult(); return; }
        // Moved to another namespace: its deletion is invisible here, so watch the kernel's session table instead.
        _ = PollUntilGoneAsync(TimeSpan.FromMilliseconds(500), Timeout.InfiniteTimeSpan, _stop.Token);
    }

    private async Task<bool> PollUntilGoneAsync(TimeSpan period, TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = limit == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + limit;
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                if (_kernel.GetConnectionInfo(Peer.Value) is null) { _down.TrySetResult(); return true; }
                await Task.Delay(period, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
        catch (BnepException e) { _logger?.LogWarning(e, "BNEP {Interface}: BNEPGETCONNINFO failed", InterfaceName); }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (!_down.Task.IsCompleted)
            {
                if (_kernel.DeleteConnection(Peer.Value))
                {
                    // The session thread unregisters bnepN before it unlinks the session, so "session gone" implies
                    // "interface gone" whatever namespace the interface now lives in.
                    if (!await PollUntilGoneAsync(TimeSpan.FromMilliseconds(50), _timeout, CancellationToken.None).ConfigureAwait(false))
                        _logger?.LogWarning("BNEP {Interface}: the kernel kept the session {Timeout} after BNEPCONNDEL", InterfaceName, _timeout);
                }
                _down.TrySetResult();
            }
        }
        finally
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            _events.Dispose();
            _channel.Dispose();
            if (_ownsKernelAndNetwork)
            {
                _kernel.Dispose();
                _network.Dispose();
            }
            _stop.Dispose();
        }
    }
}
