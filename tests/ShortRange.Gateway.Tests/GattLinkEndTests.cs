using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Gatt;
using ShortRange.Gateway.Workers;

namespace ShortRange.Gateway.Tests;

/// <summary>
/// How the GATT forwarder decides a forwarding round is over: the link ending, or a subscription failing while the
/// link stays up (which must not leave a connection that silently forwards nothing).
/// </summary>
public sealed class GattLinkEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly GattConnectionState Remote = new(GattConnectionStatus.Disconnected, GattDisconnectReason.Remote,
        new AttBearerClosedException("the peer closed the link"));

    [Fact]
    public async Task A_refused_cccd_write_ends_the_round_with_the_refusal_while_the_link_is_up()
    {
        var disconnected = new TaskCompletionSource<GattConnectionState>();
        var refused = new AttErrorResponseException(new AttErrorResponse(AttOpcode.ATT_WRITE_REQ, 0x0010, AttErrorCode.WriteNotPermitted));
        var wait = GattForwarder.UntilLinkEndsAsync(disconnected.Task, Task.FromException(refused), Ct);
        Assert.Same(refused, await Assert.ThrowsAsync<AttErrorResponseException>(() => wait));
        Assert.False(disconnected.Task.IsCompleted);
    }

    [Fact]
    public async Task Subscriptions_ended_by_the_link_closing_report_the_link_end()
    {
        var disconnected = new TaskCompletionSource<GattConnectionState>();
        var wait = GattForwarder.UntilLinkEndsAsync(disconnected.Task, Task.FromException(new AttBearerClosedException("closed")), Ct);
        await Task.Delay(50, Ct);
        Assert.False(wait.IsCompleted);   // the closed subscription alone is not the end: the connection's state is
        disconnected.SetResult(Remote);
        Assert.Same(Remote, await wait);
    }

    [Fact]
    public async Task The_link_ending_first_is_reported_with_its_reason()
    {
        var never = new TaskCompletionSource();
        Assert.Same(Remote, await GattForwarder.UntilLinkEndsAsync(Task.FromResult(Remote), never.Task, Ct));
    }

    [Fact]
    public async Task Stopping_the_gateway_cancels_the_wait()
    {
        using var stop = new CancellationTokenSource();
        var wait = GattForwarder.UntilLinkEndsAsync(new TaskCompletionSource<GattConnectionState>().Task, new TaskCompletionSource().Task, stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
