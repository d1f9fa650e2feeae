using ShortRange.Bluetooth.Monitor;

namespace ShortRange.Bluetooth.Tests.Monitor;

public class BtSnoopWriterTests
{
    [Fact]
    public void Header_and_record_layout_follow_btsnoop_v1_monitor()
    {
        var ms = new MemoryStream();
        using (var w = new BtSnoopWriter(ms, ownsStream: false))
        {
            // HCI_Reset command (opcode 0x0C03, no parameters) on index 1.
            w.Write(new MonitorPacket(MonitorPacket.HCI_MON_COMMAND_PKT, 1, new byte[] { 0x03, 0x0C, 0x00 }),
                DateTimeOffset.UnixEpoch.AddSeconds(1), 0);
            Assert.Equal(1, w.Records);
        }
        var b = ms.ToArray();
        Assert.Equal("btsnoop\0"u8.ToArray(), b[..8]);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0x07, 0xD1 }, b[8..16]);           // version 1, datalink 2001
        Assert.Equal(new byte[] { 0, 0, 0, 3, 0, 0, 0, 3 }, b[16..24]);               // original, included length
        Assert.Equal(new byte[] { 0, 1, 0, 2 }, b[24..28]);                            // flags = index << 16 | opcode
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, b[28..32]);                            // drops
        long ts = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(32));
        Assert.Equal(0x00DCDDB30F2F8000 + 1_000_000, ts);
        Assert.Equal(new byte[] { 0x03, 0x0C, 0x00 }, b[40..]);
    }

    [Fact]
    public void Monitor_frame_decoding_checks_length()
    {
        var p = MonitorPacket.Decode(new byte[] { 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0E, 0x00 });
        Assert.Equal(MonitorPacket.HCI_MON_EVENT_PKT, p.Opcode);
        Assert.Equal(new byte[] { 0x0E, 0x00 }, p.Payload.ToArray());
        Assert.Throws<BluetoothException>(() => MonitorPacket.Decode(new byte[] { 0x03, 0x00, 0x00, 0x00, 0x05, 0x00, 0x0E }));
        Assert.Throws<BluetoothException>(() => MonitorPacket.Decode(new byte[] { 0x03, 0x00 }));
    }
}
