using ShortRange.Linux.Sockets;

namespace ShortRange.Linux.Tests.Sockets;

public class SockaddrEncodingTests
{
    [Fact]
    public void Hci_control_bytes()
        => Assert.Equal(new byte[] { 31, 0, 0xFF, 0xFF, 3, 0 }, HciSocketAddress.Control.ToBytes());

    [Fact]
    public void L2_bytes_and_roundtrip()
    {
        var a = new L2capSocketAddress(0x1001, 0x112233445566, 4, BluetoothSocketConstants.BDADDR_LE_RANDOM);
        var b = a.ToBytes();
        Assert.Equal(new byte[] { 31, 0, 0x01, 0x10, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 4, 0, 2, 0 }, b);
        Assert.Equal(a, L2capSocketAddress.Read(b));
    }

    [Fact]
    public void Llcp_bytes_and_roundtrip()
    {
        var a = new NfcLlcpSocketAddress(1, 2, NfcSocketConstants.NFC_PROTO_NFC_DEP, 4, 5, "urn:nfc:sn:snep");
        var b = a.ToBytes();
        Assert.Equal(96, b.Length);
        Assert.Equal(39, b[0]);
        Assert.Equal((byte)'u', b[18]);
        Assert.Equal(15, b[88]);
        Assert.Equal(a, NfcLlcpSocketAddress.Read(b));
    }

    [Fact]
    public void Llcp_rejects_long_names_and_hostile_length()
    {
        Assert.Throws<ArgumentException>(() => new NfcLlcpSocketAddress(0, 0, 0, 0, 0, new string('x', 64)).ToBytes());
        var b = new NfcLlcpSocketAddress(0, 0, 0, 0, 0, "a").ToBytes();
        b[88] = 200;
        Assert.Throws<ArgumentException>(() => NfcLlcpSocketAddress.Read(b));
    }

    [Fact]
    public void Ll_protocol_is_big_endian()
    {
        var a = new PacketSocketAddress(PacketSocketConstants.ETH_P_IEEE802154, 7, 804, 0, new byte[] { 1, 2 });
        var b = a.ToBytes();
        Assert.Equal(new byte[] { 17, 0, 0x00, 0xF6, 7, 0, 0, 0, 0x24, 0x03, 0, 2, 1, 2, 0, 0, 0, 0, 0, 0 }, b);
        var r = PacketSocketAddress.Read(b);
        Assert.Equal(a.InterfaceIndex, r.InterfaceIndex);
        Assert.Equal(new byte[] { 1, 2 }, r.HardwareAddress.ToArray());
    }

    [Fact]
    public void Nfc_and_netlink_roundtrip()
    {
        var n = new NfcSocketAddress(3, 4, 5);
        Assert.Equal(n, NfcSocketAddress.Read(n.ToBytes()));
        var nl = new NetlinkSocketAddress(77, 1);
        Assert.Equal(new byte[] { 16, 0, 0, 0, 77, 0, 0, 0, 1, 0, 0, 0 }, nl.ToBytes());
        Assert.Throws<ArgumentException>(() => NfcSocketAddress.Read(nl.ToBytes()));
    }
}
