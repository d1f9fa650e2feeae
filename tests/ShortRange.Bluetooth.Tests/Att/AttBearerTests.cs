using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>The bearer's transaction rules (Core 5.4 Vol 3 Part F §3.3) against a scripted peer speaking raw PDUs.</summary>
public class AttBearerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mtu_exchange_takes_the_smaller_receive_mtu()
    {
        var (bearer, peer) = Start();
        var mtu = bearer.ExchangeMtuAsync(Ct);
        Assert.Equal([0x02, 0x05, 0x02], await peer.NextAsync());        // ATT_EXCHANGE_MTU_REQ 517
        peer.Send(0x03, 0xF7, 0x00);                                      // server Rx MTU 247
        Assert.Equal(247, await mtu);
        Assert.Equal(247, bearer.Mtu);
    }

    [Fact]
    public async Task Error_response_surfaces_as_typed_exception_and_frees_the_bearer()
    {
        var (bearer, peer) = Start();
        var read = bearer.RequestAsync(new AttReadRequest(0x0003), Ct);
        Assert.Equal([0x0A, 0x03, 0x00], await peer.NextAsync());
        peer.Send(0x01, 0x0A, 0x03, 0x00, 0x02);                          // Read Not Permitted
        var e = await Assert.ThrowsAsync<AttErrorResponseException>(() => read);
        Assert.Equal(AttErrorCode.ReadNotPermitted, e.ErrorCode);
        var next = bearer.RequestAsync(new AttReadRequest(0x0005), Ct);
        Assert.Equal([0x0A, 0x05, 0x00], await peer.NextAsync());
        peer.Send(0x0B, 0x2A);
        Assert.Equal([0x2A], ((AttReadResponse)await next).AttributeValue.ToArray());
    }

    [Fact]
    public async Task Only_one_request_is_outstanding()
    {
        var (bearer, peer) = Start();
        var first = bearer.RequestAsync(new AttReadRequest(1), Ct);
        var second = bearer.RequestAsync(new AttReadRequest(2), Ct);
        Assert.Equal([0x0A, 0x01, 0x00], await peer.NextAsync());
        await Task.Delay(200, Ct);   // an absence cannot be awaited: give a wrongly eager bearer time to send
        Assert.False(peer.HasNext, "second request sent before the first was answered");
        peer.Send(0x0B, 0x11);
        Assert.Equal([0x0A, 0x02, 0x00], await peer.NextAsync());
        peer.Send(0x0B, 0x22);
        Assert.Equal([0x11], ((AttReadResponse)await first).AttributeValue.ToArray());
        Assert.Equal([0x22], ((AttReadResponse)await second).AttributeValue.ToArray());
    }

    [Fact]
    public async Task Transaction_timeout_fails_the_request_and_ends_the_bearer()
    {
        var (bearer, peer) = Start(TimeSpan.FromMilliseconds(300));
        var read = bearer.RequestAsync(new AttReadRequest(1), Ct);
        await peer.NextAsync();
        await Assert.ThrowsAsync<AttTimeoutException>(() => read);
        Assert.IsType<AttTimeoutException>(await bearer.Closed.WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.True(peer.Disposed);
        await Assert.ThrowsAsync<AttBearerClosedException>(() => bearer.RequestAsync(new AttReadRequest(1), Ct));
    }

    [Fact]
    public async Task Peer_disconnect_fails_pending_request_and_ends_value_updates()
    {
        var (bearer, peer) = Start();
        var ended = new TaskCompletionSource<Exception>();
        using var sub = bearer.ValueUpdates.Subscribe(_ => { }, e => ended.TrySetResult(e));
        var read = bearer.RequestAsync(new AttReadRequest(1), Ct);
        await peer.NextAsync();
        peer.Close();
        await Assert.ThrowsAsync<AttBearerClosedException>(() => read).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.IsType<AttBearerClosedException>(await ended.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task Notifications_arrive_in_order_and_indications_are_confirmed()
    {
        var (bearer, peer) = Start();
        var seen = new List<(ushort, byte)>();
        var got = new TaskCompletionSource();
        using var sub = bearer.ValueUpdates.Subscribe(v =>
        {
            lock (seen) { seen.Add((v.Handle, v.Value.Span[0])); if (seen.Count == 4) got.TrySetResult(); }
        });
        peer.Send(0x1B, 0x03, 0x00, 0x01);
        peer.Send(0x1B, 0x03, 0x00, 0x02);
        peer.Send(0x23, 0x05, 0x00, 0x01, 0x00, 0x03, 0x06, 0x00, 0x01, 0x00, 0x04);   // two tuples
        await got.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal([(3, 1), (3, 2), (5, 3), (6, 4)], seen.Select(x => ((int)x.Item1, (int)x.Item2)));
        peer.Send(0x1D, 0x09, 0x00, 0x07);
        Assert.Equal([0x1E], await peer.NextAsync());                                      // ATT_HANDLE_VALUE_CFM
    }

    [Fact]
    public async Task Peer_requests_get_answers_and_malformed_ones_Invalid_PDU()
    {
        var (_, peer) = Start();
        peer.Send(0x10, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x28);                               // primary service discovery
        Assert.Equal([0x01, 0x10, 0x01, 0x00, 0x0A], await peer.NextAsync());               // Attribute Not Found
        peer.Send(0x0A, 0x01);                                                              // Read Request cut short
        Assert.Equal([0x01, 0x0A, 0x00, 0x00, 0x04], await peer.NextAsync());               // Invalid PDU
        peer.Send(0x3F);                                                                    // unknown request
        Assert.Equal([0x01, 0x3F, 0x00, 0x00, 0x06], await peer.NextAsync());               // Request Not Supported
        peer.Send(0x7F);                                                                    // unknown command: ignored
        peer.Send(0x02, 0x40, 0x00);                                                        // MTU request 64
        Assert.Equal([0x03, 0x05, 0x02], await peer.NextAsync());
        Assert.False(peer.HasNext);
    }

    [Fact]
    public async Task An_observer_that_throws_ends_the_bearer_instead_of_stalling_it()
    {
        var (bearer, peer) = Start();
        using var sub = bearer.ValueUpdates.Subscribe(_ => throw new InvalidOperationException("consumer bug"));
        var read = bearer.RequestAsync(new AttReadRequest(1), Ct);
        await peer.NextAsync();
        peer.Send(0x1B, 0x03, 0x00, 0x01);
        await Assert.ThrowsAsync<AttBearerClosedException>(() => read).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.IsType<InvalidOperationException>(await bearer.Closed.WaitAsync(TimeSpan.FromSeconds(5), Ct));
    }

    private static (AttBearer, ScriptedPeer) Start(TimeSpan? timeout = null)
    {
        var peer = new ScriptedPeer();
        var bearer = new AttBearer(peer, transactionTimeout: timeout);
        bearer.Start();
        return (bearer, peer);
    }
}
