using ShortRange.Bluetooth.Rfcomm;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// One idle RFCOMM connection on a channel of its own, held open while a test connects and closes others to the same
/// peer. Without it every close of the last DLC starts the RFCOMM session's idle timer (RFCOMM_IDLE_TIMEOUT, 2 s) and
/// then its DISC on DLCI 0; a connect issued in that window joins the dying session (rfcomm_session_get does not look at
/// the session state) and the peer's UA to that DISC closes the session under the new DLC: ECONNRESET (seen in the lab
/// between two throughput phases). The keeper must use another server channel than the connections it protects: the
/// DLCI is derived from the channel, and a second DLC to the same channel on one session is refused with EBUSY
/// (__rfcomm_dlc_open, also seen in the lab). Dispose closes the client first.
/// </summary>
internal sealed class SessionKeeper : IAsyncDisposable
{
    private readonly RfcommListener _listener;
    private readonly RfcommStream _client, _server;

    private SessionKeeper(RfcommListener listener, RfcommStream client, RfcommStream server) =>
        (_listener, _client, _server) = (listener, client, server);

    public static async Task<SessionKeeper> OpenAsync(ulong local, ulong peer, CancellationToken ct)
    {
        var listener = RfcommListener.Listen(peer);
        try
        {
            var accept = listener.AcceptAsync(ct);
            var client = await RfcommStream.ConnectAsync(local, peer, listener.Channel, cancellationToken: ct);
            return new SessionKeeper(listener, client, await accept.WaitAsync(TimeSpan.FromSeconds(60), ct));
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Abort();
        try { await _server.ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (Exception e) when (e is TimeoutException or RfcommException) { }
        _server.Dispose();
        _listener.Dispose();
    }
}
