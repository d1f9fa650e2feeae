using ShortRange.Bluetooth.Bnep;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Tests;

public class BnepRoleTests
{
    private const ulong Peer = 0x0011_2233_4455;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly PanOptions Fast = new()
    {
        SetupAttemptTimeout = TimeSpan.FromSeconds(5), SetupAttempts = 1, InterfaceTimeout = TimeSpan.FromSeconds(5),
        SetupRequestTimeout = TimeSpan.FromSeconds(5), RefusalCloseTimeout = TimeSpan.FromMilliseconds(200),
    };

    private static string Hex(byte[] b) => Convert.ToHexString(b);

    private static (FakeBnepChannel, FakeBnepKernel, FakePanNetwork) Fakes(uint features = 1)
    {
        var net = new FakePanNetwork();
        return (new FakeBnepChannel(), new FakeBnepKernel(net, Peer, features), net);
    }

    [Fact]
    public async Task Panu_client_sends_the_setup_request_then_hands_the_socket_to_the_kernel_without_the_response_flag()
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 02 0000");
        await using var c = await PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct);
        Assert.Equal("0101021116" + "1115", Hex(ch.Sent.Single()));
        Assert.Equal([(0u, BnepRole.Panu)], k.Added);
        Assert.Equal("bnep0", c.InterfaceName);
        Assert.Equal(k.LastIndex, c.InterfaceIndex);
        Assert.Equal(Peer, c.Peer.Value);
        Assert.Equal((BnepRole.Panu, BnepRole.Nap), (c.LocalRole, c.RemoteRole));
        Assert.Equal([$"up {k.LastIndex}"], net.Calls);
        Assert.False(c.Down.IsCompleted);
    }

    [Theory]
    [InlineData("0004", BnepSetupResponseCode.ConnectionNotAllowed, "Connection Not Allowed")]
    [InlineData("0001", BnepSetupResponseCode.InvalidDestinationServiceUuid, "Invalid Destination Service UUID")]
    public async Task Peer_refusal_raises_a_typed_exception_with_the_spec_name(string code, BnepSetupResponseCode expected, string name)
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 02 " + code);
        var e = await Assert.ThrowsAsync<BnepSetupRefusedException>(() =>
            PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct));
        Assert.Equal(expected, e.Code);
        Assert.True(e.ByPeer);
        Assert.Contains(name, e.CodeName, StringComparison.Ordinal);
        Assert.Empty(k.Added);
        Assert.True(ch.Disposed && k.Disposed && net.Disposed);
    }

    [Fact]
    public async Task Client_reads_a_refusal_queued_behind_the_peers_reset()
    {
        // A server that refuses and closes at once: the kernel's first recv reports the reset (0) before the queued response.
        var (ch, k, net) = Fakes();
        ch.InjectReset();
        ch.Deliver("01 02 0001");
        ch.Close();
        var e = await Assert.ThrowsAsync<BnepSetupRefusedException>(() =>
            PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct));
        Assert.Equal(BnepSetupResponseCode.InvalidDestinationServiceUuid, e.Code);
    }

    [Fact]
    public async Task Client_resends_the_request_on_timeout_then_fails_with_ETIMEDOUT()
    {
        var (ch, k, net) = Fakes();
        var e = await Assert.ThrowsAsync<BnepException>(() => PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Gn,
            Fast with { SetupAttemptTimeout = TimeSpan.FromMilliseconds(100), SetupAttempts = 3 }, null, Ct));
        Assert.Equal(Errno.ETIMEDOUT, e.ErrorNumber);
        Assert.Equal(3, ch.Sent.Count);
        Assert.All(ch.Sent, s => Assert.Equal("0101021117" + "1115", Hex(s)));
        Assert.Empty(k.Added);
    }

    [Fact]
    public async Task Client_answers_unknown_control_types_and_ignores_filters_while_waiting()
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 09");
        ch.Deliver("01 03 0000");
        ch.Deliver("01 02 0000");
        await using var c = await PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct);
        Assert.Equal(["010102111611" + "15", "010009"], ch.Sent.Select(Hex));
    }

    [Fact]
    public async Task Client_fails_when_the_channel_closes_during_setup()
    {
        var (ch, k, net) = Fakes();
        ch.Close();
        await Assert.ThrowsAsync<BnepException>(() => PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct));
        Assert.True(ch.Disposed);
    }

    [Fact]
    public async Task Nap_server_leaves_the_request_for_the_kernel_when_it_supports_BNEP_SETUP_RESPONSE()
    {
        var (ch, k, net) = Fakes(features: 1);
        ch.Deliver("01 01 02 1116 1115");
        await using var c = await PanServer.AcceptCoreAsync(ch, k, net, false, BnepRole.Nap, 7, "pan0", kernelAnswers: true, Fast, null, Ct);
        Assert.Empty(ch.Sent);                 // success comes from the kernel, after BNEPCONNADD
        Assert.True(ch.HasQueuedPacket);       // the request is still queued on the socket for it
        Assert.Equal([(1u, BnepRole.Nap)], k.Added);
        Assert.Equal([$"master {k.LastIndex} 7", $"up {k.LastIndex}"], net.Calls);
        Assert.Equal(BnepRole.Panu, c.RemoteRole);
        Assert.Equal("pan0", c.Bridge);
    }

    [Fact]
    public async Task Server_answers_success_itself_on_kernels_without_BNEP_SETUP_RESPONSE()
    {
        var (ch, k, net) = Fakes(features: 0);
        ch.Deliver("01 01 10 00001117 00001000800000805F9B34FB 00001115 00001000800000805F9B34FB");
        await using var c = await PanServer.AcceptCoreAsync(ch, k, net, false, BnepRole.Gn, 7, "pan0", kernelAnswers: false, Fast, null, Ct);
        Assert.Equal(["01020000"], ch.Sent.Select(Hex));
        Assert.False(ch.HasQueuedPacket);
        Assert.Equal([(0u, BnepRole.Gn)], k.Added);
    }

    [Theory]
    [InlineData("01 01 02 1117 1115", "0001")]  // asks for GN, we serve NAP
    [InlineData("01 01 02 1116 1116", "0002")]  // NAP to NAP
    [InlineData("01 01 03 001116 001115", "0003")]
    public async Task Server_refuses_bad_requests_with_the_spec_code(string request, string code)
    {
        var (ch, k, net) = Fakes();
        ch.Deliver(request);
        var e = await Assert.ThrowsAsync<BnepSetupRefusedException>(() =>
            PanServer.AcceptCoreAsync(ch, k, net, false, BnepRole.Nap, 7, "pan0", kernelAnswers: true, Fast, null, Ct));
        Assert.False(e.ByPeer);
        Assert.Equal(["0102" + code], ch.Sent.Select(Hex));
        Assert.False(ch.HasQueuedPacket);  // consumed, so the kernel never sees it
        Assert.Empty(k.Added);
        Assert.True(ch.Disposed);
    }

    [Fact]
    public async Task Refusing_server_closes_only_after_the_peer_closed()
    {
        // Lab failure under load: closing right after the refusal let the Disconnection Request reach the PANU before its
        // recv ran, and that recv returned EOF with the refusal still queued. The refusing side must let the peer close first.
        var (ch, k, net) = Fakes();
        ch.OnSent = _ => ch.Close();  // the peer reads the refusal, then closes
        ch.Deliver("01 01 02 1117 1115");
        var e = await Assert.ThrowsAsync<BnepSetupRefusedException>(() => PanServer.AcceptCoreAsync(ch, k, net, false, BnepRole.Nap, 7, "pan0",
            kernelAnswers: true, Fast with { RefusalCloseTimeout = TimeSpan.FromMinutes(5) }, null, Ct));
        Assert.Equal(BnepSetupResponseCode.InvalidDestinationServiceUuid, e.Code);
        Assert.Equal(["01020001"], ch.Sent.Select(Hex));
        Assert.True(ch.DisposedAfterPeerClose);
    }

    [Fact]
    public async Task Kernel_refusal_also_waits_for_the_peer_to_close()
    {
        var (ch, k, net) = Fakes();
        k.FailAddWith = Errno.EEXIST;
        ch.OnSent = _ => ch.Close();
        ch.Deliver("01 01 02 1116 1115");
        await Assert.ThrowsAsync<BnepException>(() => PanServer.AcceptCoreAsync(ch, k, net, true, BnepRole.Nap, 7, "pan0", kernelAnswers: true,
            Fast with { RefusalCloseTimeout = TimeSpan.FromMinutes(5) }, null, Ct));
        Assert.Equal(["01020004"], ch.Sent.Select(Hex));
        Assert.True(ch.DisposedAfterPeerClose);
    }

    [Fact]
    public async Task Refusing_server_closes_anyway_when_the_peer_never_does()
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 01 02 1116 1116");
        await Assert.ThrowsAsync<BnepSetupRefusedException>(() =>
            PanServer.AcceptCoreAsync(ch, k, net, false, BnepRole.Nap, 7, "pan0", kernelAnswers: true, Fast, null, Ct));
        Assert.True(ch.Disposed);
        Assert.False(ch.DisposedAfterPeerClose);
    }

    [Fact]
    public async Task Server_answers_unknown_control_before_the_setup_request()
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 7F");
        ch.Deliver("00 AABB");
        ch.Deliver("01 01 02 1116 1115");
        await using var c = await PanServer.AcceptCoreAsync(ch, k, net, false, BnepRole.Nap, 7, "pan0", kernelAnswers: true, Fast, null, Ct);
        Assert.Equal(["01007F"], ch.Sent.Select(Hex));
    }

    [Fact]
    public async Task Kernel_refusal_consumes_the_queued_request_and_answers_connection_not_allowed()
    {
        var (ch, k, net) = Fakes();
        k.FailAddWith = Errno.EEXIST;
        ch.Deliver("01 01 02 1116 1115");
        var e = await Assert.ThrowsAsync<BnepException>(() =>
            PanServer.AcceptCoreAsync(ch, k, net, true, BnepRole.Nap, 7, "pan0", kernelAnswers: true, Fast, null, Ct));
        Assert.Equal(Errno.EEXIST, e.ErrorNumber);
        Assert.Equal(["01020004"], ch.Sent.Select(Hex));
        Assert.False(ch.HasQueuedPacket);
        Assert.True(ch.Disposed && k.Disposed && net.Disposed);
    }

    [Fact]
    public async Task Server_gives_up_when_no_setup_request_arrives()
    {
        var (ch, k, net) = Fakes();
        var e = await Assert.ThrowsAsync<BnepException>(() => PanServer.AcceptCoreAsync(ch, k, net, false, BnepRole.Nap, 7, "pan0", true,
            Fast with { SetupRequestTimeout = TimeSpan.FromMilliseconds(100) }, null, Ct));
        Assert.Equal(Errno.ETIMEDOUT, e.ErrorNumber);
        Assert.True(ch.Disposed);
    }

    [Fact]
    public async Task Missing_link_event_times_out_and_deletes_the_kernel_session()
    {
        var (ch, k, net) = Fakes();
        k.AnnounceLink = false;
        ch.Deliver("01 02 0000");
        var e = await Assert.ThrowsAsync<BnepException>(() => PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap,
            Fast with { InterfaceTimeout = TimeSpan.FromMilliseconds(200) }, null, Ct));
        Assert.Equal(Errno.ETIMEDOUT, e.ErrorNumber);
        Assert.Equal([Peer], k.Deleted);
        Assert.Null(k.GetConnectionInfo(Peer));
    }

    [Fact]
    public async Task Dispose_deletes_the_session_once_and_completes_Down()
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 02 0000");
        var c = await PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct);
        await c.DisposeAsync();
        await c.DisposeAsync();
        Assert.Equal([Peer], k.Deleted);
        Assert.True(c.Down.IsCompletedSuccessfully);
        Assert.True(ch.Disposed && k.Disposed && net.Disposed);
        Assert.Null(c.GetKernelInfo());
    }

    [Fact]
    public async Task Down_completes_when_the_kernel_session_ends()
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 02 0000");
        await using var c = await PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct);
        net.Raise(new BnepLinkEvent(999, "other0", true, false));
        Assert.False(c.Down.IsCompleted);
        k.EndSession();
        await c.Down.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task Moving_the_interface_to_another_namespace_is_not_down_until_the_session_ends()
    {
        var (ch, k, net) = Fakes();
        ch.Deliver("01 02 0000");
        await using var c = await PanClient.ConnectCoreAsync(ch, k, net, true, BnepRole.Panu, BnepRole.Nap, Fast, null, Ct);
        net.Raise(new BnepLinkEvent(c.InterfaceIndex, c.InterfaceName, true, MovedAway: true));
        await Task.Delay(700, Ct); // longer than one poll period
        Assert.False(c.Down.IsCompleted);
        k.EndSession(announce: false); // deleted in the other namespace: no event reaches us
        await c.Down.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }
}
