using System.Buffers.Binary;
using System.Net.Sockets;
using ShortRange.Bluetooth.Hci;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Bluetooth.Monitor;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;
using static ShortRange.HwTests.Bluetooth.L2capLab;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// The HCI ACL codec on real traffic: while an L2CAP BR/EDR channel carries a known message each way, the kernel's HCI
/// monitor channel hands us every ACL packet hci0 sends and hci1 receives (and back). Each must decode with
/// <see cref="HciAclPacket.Decode"/>; reassembled by Packet_Boundary_Flag into L2CAP basic frames (Core Vol 3 Part A §3.1:
/// Length, Channel ID, payload), they must carry our message on a dynamic channel, sent by one controller and received
/// by the other.
/// </summary>
public class HciAclHwTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record L2capFrame(ushort Index, bool Tx, ushort Handle, ushort Cid, byte[] Payload);

    [Fact]
    public async Task Acl_packets_of_an_l2cap_echo_decode_and_reassemble_to_our_bytes()
    {
        var (localName, peerName) = LabRequire.BluetoothPair();
        var (local, peer) = await BrEdrAsync(Ct);
        ushort li = LabBluetooth.Index(localName), pi = LabBluetooth.Index(peerName);
        var message = RandomBytes(600, 42); // below the 672-byte default MTU: one L2CAP PDU, likely several ACL packets
        var answer = RandomBytes(300, 43);

        using var monitorSocket = NativeSocket.Create(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BluetoothSocketConstants.BTPROTO_HCI);
        monitorSocket.Bind(new HciSocketAddress(BluetoothSocketConstants.HCI_DEV_NONE, BluetoothSocketConstants.HCI_CHANNEL_MONITOR));
        var monitor = monitorSocket.Socket;
        var packets = new List<MonitorPacket>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var capture = Task.Run(async () =>
        {
            var buf = new byte[MonitorPacket.HeaderSize + ushort.MaxValue];
            try
            {
                while (true)
                {
                    int n = await monitor.ReceiveAsync(buf, SocketFlags.None, stop.Token);
                    var p = MonitorPacket.Decode(buf.AsSpan(0, n));
                    if (p.Opcode is MonitorPacket.HCI_MON_ACL_TX_PKT or MonitorPacket.HCI_MON_ACL_RX_PKT) lock (packets) packets.Add(p);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        }, Ct);

        const ushort Psm = 0x1205;
        using var listener = L2capChannel.Listen(new L2capSocketAddress(Psm, peer));
        await using (var pair = await ConnectPairAsync(listener, new L2capSocketAddress(0, local), new L2capSocketAddress(Psm, peer), null, Ct))
        {
            await pair.Client.SendAsync(message, Ct);
            var got = new byte[4096];
            int n = await pair.Server.ReceiveAsync(got, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(message, got.AsSpan(0, n).ToArray());
            await pair.Server.SendAsync(answer, Ct);
            n = await pair.Client.ReceiveAsync(got, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(answer, got.AsSpan(0, n).ToArray());
        }

        // The answer's last ACL packet reached hci0 before the client read it: wait until the monitor handed it to us.
        Assert.True(LabProcess.WaitUntil(() => Frames(packets).Any(f => f.Index == li && !f.Tx && f.Payload.AsSpan().SequenceEqual(answer)),
            TimeSpan.FromSeconds(15)), "the monitor did not show the answer arriving at hci0");
        await stop.CancelAsync();
        await capture.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var frames = Frames(packets);
        TestContext.Current.SendDiagnosticMessage($"{packets.Count} ACL packets → {frames.Count} L2CAP frames");
        var sent = Assert.Single(frames, f => f.Index == li && f.Tx && f.Payload.AsSpan().SequenceEqual(message));
        var received = Assert.Single(frames, f => f.Index == pi && !f.Tx && f.Payload.AsSpan().SequenceEqual(message));
        Assert.True(sent.Cid >= 0x0040, $"dynamic CID expected, got 0x{sent.Cid:x4}"); // Core Vol 3 Part A §2.1
        Assert.True(received.Cid >= 0x0040, $"dynamic CID expected, got 0x{received.Cid:x4}");
        Assert.Single(frames, f => f.Index == pi && f.Tx && f.Payload.AsSpan().SequenceEqual(answer) && f.Cid >= 0x0040);
        // Signalling (CID 0x0001) frames of the connect and disconnect travel on the same handle as the data.
        Assert.Contains(frames, f => f.Index == li && f.Tx && f.Cid == 0x0001 && f.Handle == sent.Handle);
    }

    /// <summary>ACL packets (every one must decode) reassembled per controller, direction and handle into L2CAP basic frames.</summary>
    private static List<L2capFrame> Frames(List<MonitorPacket> packets)
    {
        MonitorPacket[] copy;
        lock (packets) copy = [.. packets];
        var frames = new List<L2capFrame>();
        var open = new Dictionary<(ushort, bool, ushort), List<byte>>();
        foreach (var p in copy)
        {
            var acl = HciAclPacket.Decode(p.Payload.Span);
            bool tx = p.Opcode == MonitorPacket.HCI_MON_ACL_TX_PKT;
            var key = (p.Index, tx, acl.Handle);
            if (acl.PacketBoundary != HciAclPacketBoundary.Continuing) open[key] = [];
            if (!open.TryGetValue(key, out var buffer)) continue; // a continuation whose start we did not see
            buffer.AddRange(acl.Data.Span);
            if (buffer.Count < 4) continue;
            int length = BinaryPrimitives.ReadUInt16LittleEndian(buffer.ToArray());
            if (buffer.Count < 4 + length) continue;
            var pdu = buffer.ToArray();
            frames.Add(new L2capFrame(p.Index, tx, acl.Handle, BinaryPrimitives.ReadUInt16LittleEndian(pdu.AsSpan(2)), pdu.AsSpan(4, length).ToArray()));
            open.Remove(key);
        }
        return frames;
    }
}
