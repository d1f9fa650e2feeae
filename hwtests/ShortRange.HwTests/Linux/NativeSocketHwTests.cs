using System.Buffers.Binary;
using System.Net.Sockets;
using ShortRange.Errors;
using ShortRange.HwTests.Infrastructure;
using ShortRange.Linux.Sockets;

namespace ShortRange.HwTests.Linux;

/// <summary>
/// Spikes kept as tests: the Socket wrapper does async I/O on the runtime's epoll engine with cancellation for
/// AF_BLUETOOTH (mgmt control channel) and AF_NFC (LLCP socket). Skip where the kernel lacks the family.
/// </summary>
public class NativeSocketHwTests
{
    private static NativeSocket CreateOrSkip(int family, SocketType type, int protocol)
    {
        try
        {
            return NativeSocket.Create(family, type, protocol);
        }
        catch (StackUnavailableException e)
        {
            LabRequire.Missing(e.Message);
            throw; // unreachable
        }
    }

    [Fact]
    public async Task Bluetooth_mgmt_read_version_is_async_and_cancellable()
    {
        var ct = TestContext.Current.CancellationToken;
        using var s = CreateOrSkip(LinuxAddressFamily.AF_BLUETOOTH, SocketType.Raw, BluetoothSocketConstants.BTPROTO_HCI);
        s.Bind(HciSocketAddress.Control);

        // mgmt header: opcode 0x0001 (MGMT_OP_READ_VERSION), index 0xFFFF (MGMT_INDEX_NONE), length 0 (BlueZ doc/mgmt-api.txt).
        await s.Socket.SendAsync(new byte[] { 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x00 }, SocketFlags.None, ct);
        var buf = new byte[512];
        while (true)
        {
            int n = await s.Socket.ReceiveAsync(buf, SocketFlags.None, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);
            Assert.True(n >= 6);
            ushort evt = BinaryPrimitives.ReadUInt16LittleEndian(buf);
            if (evt != 0x0001) continue; // not MGMT_EV_CMD_COMPLETE (other events may interleave)
            Assert.Equal(0x0001, BinaryPrimitives.ReadUInt16LittleEndian(buf.AsSpan(6))); // command opcode
            Assert.Equal(0, buf[8]); // status success
            Assert.True(n >= 12, "READ_VERSION reply carries version (1) and revision (2)");
            break;
        }

        // A trusted control socket receives every controller's mgmt events (mgmt_send_event with HCI_SOCK_TRUSTED), so
        // the previous test's teardown (New Settings, Discovering, Device Disconnected…) may still arrive: a receive that
        // completes with an event is not the point. The point is that one with nothing to read waits and is cancelled.
        var interleaved = new List<string>();
        for (int attempt = 0; ; attempt++)
        {
            Assert.True(attempt < 50, "events kept arriving for 50 receives: " + string.Join(", ", interleaved));
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            var pending = s.Socket.ReceiveAsync(buf, SocketFlags.None, cts.Token).AsTask();
            try
            {
                int n = await pending.WaitAsync(TimeSpan.FromSeconds(5), ct);
                Assert.True(n >= 6, $"a {n}-byte mgmt packet");
                interleaved.Add($"event 0x{BinaryPrimitives.ReadUInt16LittleEndian(buf):X4} index {BinaryPrimitives.ReadUInt16LittleEndian(buf.AsSpan(2))}");
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                TestContext.Current.SendDiagnosticMessage($"cancelled after {interleaved.Count} interleaved event(s): {string.Join(", ", interleaved)}");
                if (interleaved.Count > 0) Console.WriteLine($"@@MGMTCANCEL interleaved: {string.Join(", ", interleaved)}");
                return;
            }
        }
    }

    [Fact]
    public async Task Nfc_llcp_listener_accept_is_async_and_cancellable()
    {
        var ct = TestContext.Current.CancellationToken;
        using var s = CreateOrSkip(LinuxAddressFamily.AF_NFC, SocketType.Stream, NfcSocketConstants.NFC_SOCKPROTO_LLCP);
        Assert.Equal(LinuxAddressFamily.AF_NFC, s.AddressFamily);
        try
        {
            // The local NFC device (nfc0 unless a lab nfcsim reload renumbered it), a private service name; the kernel assigns an SSAP.
            uint device = uint.Parse(LabEnvironment.NfcDevice.AsSpan(3), provider: System.Globalization.CultureInfo.InvariantCulture);
            s.Bind(new NfcLlcpSocketAddress(device, 0, NfcSocketConstants.NFC_PROTO_NFC_DEP, 0, 0, "urn:nfc:xsn:shortrange:test"));
        }
        catch (NativeSocketException e) when (e.ErrorNumber == Errno.ENODEV)
        {
            LabRequire.Missing($"no NFC device {LabEnvironment.NfcDevice} (nfcsim not loaded): " + e.Message);
        }
        s.Listen(1);

        // No peer ever connects: the accept waits on the runtime's epoll engine and completes promptly when cancelled.
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var pending = s.AcceptAsync(cts.Token).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10), ct));
    }
}
