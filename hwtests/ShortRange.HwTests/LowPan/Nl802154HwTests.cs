using System.Net;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Devices;
using ShortRange.LowPan;
using ShortRange.LowPan.Discovery;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Nl802154;

namespace ShortRange.HwTests.LowPan;

public class Nl802154HwTests
{
    [Fact]
    public async Task Lists_sets_creates_and_deletes_through_nl802154()
    {
        WpanLab.RequireRadios();
        var ct = TestContext.Current.CancellationToken;
        WpanLab.Run("ip link del lowpan1 2>/dev/null; true");
        using var nl = await Nl802154Client.OpenAsync(ct);
        var phys = await nl.ListPhysAsync(ct);
        Assert.True(phys.Count >= 2, $"{phys.Count} phys");
        Assert.All(phys, p => Assert.StartsWith("phy", p.Name, StringComparison.Ordinal));

        var ifaces = await nl.ListInterfacesAsync(ct);
        var wpan0 = Assert.Single(ifaces, i => i.Name == "wpan0");
        Assert.Equal(WpanLab.ExtendedAddress("wpan0"), wpan0.ExtendedAddress);
        Assert.Equal((uint)WpanLab.InterfaceIndex("wpan0"), wpan0.InterfaceIndex);

        int index = (int)wpan0.InterfaceIndex;
        await Nl802154Client.SetLinkUpAsync(index, false, ct);
        Assert.DoesNotContain("UP", WpanLab.Run("ip -br link show wpan0").Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], StringComparison.Ordinal);
        await nl.SetPanIdAsync(index, 0x1234, ct);
        await nl.SetShortAddressAsync(index, 0x0042, ct);
        await nl.SetAckRequestDefaultAsync(index, true, ct);
        var after = Assert.Single(await nl.ListInterfacesAsync(ct), i => i.Name == "wpan0");
        Assert.Equal((ushort)0x1234, after.PanId);
        Assert.Equal((ushort)0x0042, after.ShortAddress);
        Assert.True(after.AckRequestDefault);
        Assert.Contains("pan_id 0x1234", WpanLab.Run("iwpan dev wpan0 info"), StringComparison.Ordinal);
        await nl.SetAckRequestDefaultAsync(index, false, ct);
        // The kernel refuses 0xfffe/0xffff here (EINVAL), so the short address cannot be "unset" again.
        await Assert.ThrowsAsync<LowPanSystemException>(() => nl.SetShortAddressAsync(index, 0xFFFF, ct));
        await Nl802154Client.SetLinkUpAsync(index, true, ct);
        Assert.Contains("UP", WpanLab.Run("ip -br link show wpan0"), StringComparison.Ordinal);

        // hwsim only delivers between radios on the same page/channel: restore the original channel afterwards.
        var original = Assert.Single(phys, p => p.Index == wpan0.Phy);
        byte other = original.Channel == 15 ? (byte)16 : (byte)15;
        await nl.SetChannelAsync(wpan0.Phy, 0, other, ct);
        Assert.Equal(other, Assert.Single(await nl.ListPhysAsync(ct), p => p.Index == wpan0.Phy).Channel);
        await nl.SetChannelAsync(wpan0.Phy, original.Page ?? 0, original.Channel ?? 11, ct);
        Assert.Equal(original.Channel, Assert.Single(await nl.ListPhysAsync(ct), p => p.Index == wpan0.Phy).Channel);

        await nl.NewInterfaceAsync(wpan0.Phy, "wpan9", WpanInterfaceType.Monitor, cancellationToken: ct);
        var created = Assert.Single(await nl.ListInterfacesAsync(ct), i => i.Name == "wpan9");
        Assert.Equal(WpanInterfaceType.Monitor, created.Type);
        await nl.DeleteInterfaceAsync((int)created.InterfaceIndex, ct);
        Assert.DoesNotContain(await nl.ListInterfacesAsync(ct), i => i.Name == "wpan9");

        var error = await Assert.ThrowsAsync<LowPanSystemException>(() => nl.SetPanIdAsync(999_999, 1, ct));
        Assert.True(error.Errno > 0);
    }

    [Fact]
    public async Task Scanner_on_wpan0_sees_the_kernel_node_on_wpan1()
    {
        WpanLab.RequireRadios();
        WpanLab.SetUpKernelLowPan();
        var ct = TestContext.Current.CancellationToken;
        // The kernel sends from wpan1's short address when one is set (other tests may have set one; it cannot be unset).
        ushort shortAddress;
        using (var nl = await Nl802154Client.OpenAsync(ct))
            shortAddress = Assert.Single(await nl.ListInterfacesAsync(ct), i => i.Name == "wpan1").ShortAddress;
        var expected = shortAddress < 0xFFFE
            ? new Ieee802154DeviceAddress(WpanLab.PanId, shortAddress, null)
            : new Ieee802154DeviceAddress(WpanLab.PanId, null, WpanLab.ExtendedAddress("wpan1"));
        var options = new LowPanOptions();
        options.Interfaces.Add("wpan0");
        var scanner = new Ieee802154Scanner(Microsoft.Extensions.Options.Options.Create(options));
        var sightingTask = scanner.Scan().Where(s => s.Address == expected).Take(1)
            .Timeout(TimeSpan.FromSeconds(60)).ToTask(ct);
        // Kernel traffic on lowpan1: a UDP datagram to all-nodes every second (broadcast frames from wpan1) until seen.
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        var allNodes = new IPEndPoint(new IPAddress(IPAddress.Parse("ff02::1").GetAddressBytes(), WpanLab.InterfaceIndex("lowpan1")), 9);
        while (!sightingTask.IsCompleted)
        {
            try { await socket.SendToAsync("shortrange"u8.ToArray(), allNodes, ct); }
            catch (SocketException) { } // lowpan1's link-local address may not be usable in the first instant: retry
            await Task.WhenAny(sightingTask, Task.Delay(1000, ct));
        }
        var sighting = await sightingTask;
        Assert.Equal("wpan0", sighting.Adapter);
        Assert.NotEqual(default, sighting.Timestamp);
        WpanLab.Run("ip link del lowpan1 2>/dev/null; true");
    }
}
