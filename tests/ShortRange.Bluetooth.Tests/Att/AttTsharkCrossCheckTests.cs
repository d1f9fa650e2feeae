using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.Monitor;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>
/// Wireshark's btatt dissector is an independent ATT decoder: every spec vector, carried in an LE ACL frame on
/// L2CAP CID 4 in a btsnoop monitor capture, must dissect there with our opcode, handle and MTU and without a
/// malformed-packet mark.
/// </summary>
public class AttTsharkCrossCheckTests
{
    [Fact]
    public async Task Every_vector_dissects_identically_in_tshark()
    {
        const string tshark = "/usr/bin/tshark";
        Assert.SkipUnless(File.Exists(tshark), "tshark is not installed (apt-get install tshark).");
        var vectors = AttCodecTests.Vectors.Select(row => Convert.FromHexString(((string)row.Data).Replace(" ", "", StringComparison.Ordinal))).ToList();
        var path = Path.Combine(Path.GetTempPath(), $"att-x-{Guid.NewGuid():N}.btsnoop");
        try
        {
            using (var w = new BtSnoopWriter(File.Create(path)))
            {
                int i = 0;   // tshark learns attribute types from discovery responses (across ACL handles); vectors use disjoint handles
                foreach (var pdu in vectors)
                {
                    // Requests, commands and confirmations go host → controller (ACL TX), the rest arrive (ACL RX).
                    var kind = AttOpcodes.GetKind(pdu[0]);
                    ushort op = kind is AttPduKind.Request or AttPduKind.Command or AttPduKind.Confirmation
                        ? MonitorPacket.HCI_MON_ACL_TX_PKT : MonitorPacket.HCI_MON_ACL_RX_PKT;
                    w.Write(new MonitorPacket(op, 0, Acl(pdu, (ushort)(0x0040 + i++))), DateTimeOffset.UnixEpoch);
                }
            }
            var psi = new ProcessStartInfo(tshark, ["-r", path, "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
                "-e", "btatt.opcode", "-e", "btatt.handle", "-e", "btatt.client_rx_mtu", "-e", "btatt.server_rx_mtu", "-e", "_ws.malformed"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(p.ExitCode == 0, await stderr);
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(vectors.Count, lines.Length);
            for (int i = 0; i < lines.Length; i++)
            {
                var f = lines[i].Split('|');
                var ours = AttCodec.Decode(vectors[i]);
                string row = $"{Convert.ToHexString(vectors[i])}: tshark says {lines[i]}";
                Assert.True(f[0].Length > 0, row);
                Assert.Equal((byte)ours.Opcode, (byte)Number(f[0]));
                Assert.True(f[4].Length == 0, "malformed in tshark: " + row);
                ushort? handle = ours switch
                {
                    AttReadRequest r => r.AttributeHandle,
                    AttReadBlobRequest r => r.AttributeHandle,
                    AttWriteRequest r => r.AttributeHandle,
                    AttWriteCommand r => r.AttributeHandle,
                    AttSignedWriteCommand r => r.AttributeHandle,
                    AttPrepareWriteRequest r => r.AttributeHandle,
                    AttPrepareWriteResponse r => r.AttributeHandle,
                    AttHandleValueNotification r => r.AttributeHandle,
                    AttHandleValueIndication r => r.AttributeHandle,
                    AttErrorResponse r => r.AttributeHandleInError,
                    _ => null,
                };
                if (handle is { } h) Assert.True(h == Number(f[1]), row);
                if (ours is AttExchangeMtuRequest req) Assert.Equal(req.ClientRxMtu, Number(f[2]));
                if (ours is AttExchangeMtuResponse rsp) Assert.Equal(rsp.ServerRxMtu, Number(f[3]));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    // HCI ACL header (PB = first automatically flushable; Core Vol 4 Part E §5.4.2) + L2CAP basic header on CID 4.
    private static byte[] Acl(byte[] pdu, ushort connection)
    {
        var b = new byte[8 + pdu.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)(connection | 0x2000));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2), (ushort)(4 + pdu.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), (ushort)pdu.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), AttConstants.ATT_CID);
        pdu.CopyTo(b, 8);
        return b;
    }

    private static long Number(string s) => s.StartsWith("0x", StringComparison.Ordinal)
        ? long.Parse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : long.Parse(s, CultureInfo.InvariantCulture);
}
