using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Transport;

namespace ShortRange.LowPan.Tests;

/// <summary>
/// Spike kept as a test (STYLE.md): an AF_PACKET descriptor from libc wrapped in a runtime Socket does async
/// send/receive. Uses the loopback interface and the local-experimental ethertype 0x88B5 because this machine
/// has no wpan device (the 802.15.4 path itself is proven in hwtests).
/// </summary>
public class PacketTransportTests
{
    [Fact]
    public async Task Af_packet_socket_wrapped_in_runtime_socket_sends_and_receives()
    {
        PacketFrameTransport t;
        try { t = PacketFrameTransport.Open("lo", 0x88B5); }
        catch (LowPanSystemException e) { Assert.Skip($"AF_PACKET not available here (needs CAP_NET_RAW): {e.Message}"); throw; }
        await using var _ = t;
        Assert.True(t.InterfaceIndex > 0);
        // Ethernet header as lo expects it: dst, src, ethertype 0x88B5, then a marker.
        byte[] frame = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0xB5, .. "shortrange"u8];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(10));
        var buf = new byte[256];
        var receive = t.ReceiveAsync(buf, cts.Token).AsTask();
        await t.SendAsync(frame, cts.Token);
        int n = await receive;
        Assert.Equal(frame, buf[..n]);
        Assert.Throws<LowPanSystemException>(() => PacketFrameTransport.Open("nosuchif0"));
    }
}
