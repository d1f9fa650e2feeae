using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests.Mgmt;

public class MgmtCodecTests
{
    [Fact]
    public void Packet_encodes_header_little_endian()
    {
        var bytes = new MgmtPacket(MgmtOpcode.MGMT_OP_SET_POWERED, 0x0001, new byte[] { 0x01 }).ToArray();
        Assert.Equal(new byte[] { 0x05, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01 }, bytes);
    }

    [Fact]
    public void Packet_round_trips()
    {
        var p = new MgmtPacket(0x1234, 0xFFFF, new byte[] { 1, 2, 3 });
        var d = MgmtPacket.Decode(p.ToArray());
        Assert.Equal(0x1234, d.Code);
        Assert.Equal(0xFFFF, d.Index);
        Assert.Equal(new byte[] { 1, 2, 3 }, d.Parameters.ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x00, 0xFF })]
    [InlineData(new byte[] { 0x01, 0x00, 0xFF, 0xFF, 0x04, 0x00, 0x00 })]
    [InlineData(new byte[] { 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00 })]
    public void Decode_rejects_truncated_or_overlong(byte[] datagram) =>
        Assert.Throws<MgmtProtocolException>(() => MgmtPacket.Decode(datagram));

    [Fact]
    public void Command_complete_splits_opcode_status_and_return()
    {
        var (op, st, ret) = MgmtEvents.CommandComplete(new byte[] { 0x05, 0x00, 0x00, 0x81, 0x00, 0x00, 0x00 });
        Assert.Equal(MgmtOpcode.MGMT_OP_SET_POWERED, op);
        Assert.Equal(MgmtStatus.Success, st);
        Assert.Equal(MgmtSettings.Powered | MgmtSettings.BrEdr, MgmtEvents.Settings(ret.Span));
    }

    internal static byte[] ControllerInfoBytes(ulong address, string name, MgmtSettings current)
    {
        var p = new byte[280];
        new BluetoothDeviceAddress(address, BluetoothAddressType.BrEdr).WriteLittleEndian(p);
        p[6] = 0x09; // Bluetooth 5.0
        p[7] = 0xF1; p[8] = 0x05; // manufacturer 0x05F1 (Linux Foundation)
        BitConverter.TryWriteBytes(p.AsSpan(9), (uint)0x1FFFF);
        BitConverter.TryWriteBytes(p.AsSpan(13), (uint)current);
        p[17] = 0x0C; p[18] = 0x01; p[19] = 0x00;
        System.Text.Encoding.UTF8.GetBytes(name, p.AsSpan(20));
        return p;
    }

    [Fact]
    public void Read_controller_info_decodes_all_fields()
    {
        var info = MgmtEvents.ReadInfo(1, ControllerInfoBytes(0x001122334455, "BlueZ 5.66", MgmtSettings.Powered | MgmtSettings.LowEnergy));
        Assert.Equal("00:11:22:33:44:55", info.AddressText);
        Assert.Equal("hci1", info.AdapterName);
        Assert.Equal(9, info.BluetoothVersion);
        Assert.Equal(0x05F1, info.Manufacturer);
        Assert.Equal(MgmtSettings.Powered | MgmtSettings.LowEnergy, info.CurrentSettings);
        Assert.Equal(0x00010Cu, info.ClassOfDevice);
        Assert.Equal("BlueZ 5.66", info.Name);
        Assert.Equal("", info.ShortName);
    }

    [Fact]
    public void Read_controller_info_truncated_throws() =>
        Assert.Throws<MgmtProtocolException>(() => MgmtEvents.ReadInfo(0, new byte[279]));

    [Fact]
    public void Index_list_decodes_and_checks_count()
    {
        Assert.Equal(new ushort[] { 0, 1 }, MgmtEvents.IndexList(new byte[] { 2, 0, 0, 0, 1, 0 }));
        Assert.Throws<MgmtProtocolException>(() => MgmtEvents.IndexList(new byte[] { 3, 0, 0, 0, 1, 0 }));
    }

    [Fact]
    public void Get_connections_decodes_address_and_type_and_checks_count()
    {
        byte[] p = [2, 0, 0x01, 0x00, 0x01, 0x01, 0xAA, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0xAA, 0x00, 0x01];
        var list = MgmtEvents.Connections(p);
        Assert.Equal(["00:AA:01:01:00:01", "00:AA:01:01:00:01"], list.Select(a => a.ToString()));
        Assert.Equal([BluetoothAddressType.BrEdr, BluetoothAddressType.LePublic], list.Select(a => a.Type));
        Assert.Throws<MgmtProtocolException>(() => MgmtEvents.Connections(p.AsSpan(0, 15)));
        Assert.Throws<MgmtProtocolException>(() => MgmtEvents.Connections([1, 0, 1, 2, 3, 4, 5, 6, 9]));
    }

    [Fact]
    public void Device_found_decodes_address_rssi_flags_and_eir()
    {
        byte[] p = [0x55, 0x44, 0x33, 0x22, 0x11, 0x00, 0x01, 0xC4, 0x04, 0, 0, 0, 0x03, 0x00, 0x02, 0x01, 0x06];
        var ev = MgmtEvents.DeviceFound(p);
        Assert.Equal(new BluetoothDeviceAddress(0x001122334455, BluetoothAddressType.LePublic), ev.Address);
        Assert.Equal(-60, ev.Rssi);
        Assert.Equal(4u, ev.Flags);
        Assert.Equal(new byte[] { 0x02, 0x01, 0x06 }, ev.Eir);
        Assert.Throws<MgmtProtocolException>(() => MgmtEvents.DeviceFound(p.AsSpan(0, p.Length - 1)));
    }

    [Fact]
    public void Invalid_address_type_is_rejected() =>
        Assert.Throws<MgmtProtocolException>(() => MgmtEvents.AddressOnly(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, "x"));

    [Fact]
    public void Discovering_event()
    {
        var ev = MgmtEvents.Discovering(new byte[] { 0x07, 0x00 });
        Assert.Equal(DiscoveryAddressTypes.All, ev.AddressTypes);
        Assert.False(ev.Discovering);
    }

    [Fact]
    public void Link_key_event_and_load_command_share_the_25_byte_layout()
    {
        var key = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
        var addr = new BluetoothDeviceAddress(0xAABBCCDDEEFF, BluetoothAddressType.BrEdr);
        var load = MgmtCommands.LoadLinkKeys([new LinkKey(addr, 0x04, key, 0)]);
        Assert.Equal(3 + 25, load.Length);
        Assert.Equal(new byte[] { 0x00, 0x01, 0x00, 0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x00, 0x04 }, load[..11]);
        // New Link Key = Store_Hint + the same key record.
        var ev = MgmtEvents.NewLinkKey([0x01, .. load.AsSpan(3)]);
        Assert.True(ev.StoreHint);
        Assert.Equal(addr, ev.Key.Address);
        Assert.Equal(0x04, ev.Key.KeyType);
        Assert.Equal(key, ev.Key.Value);
    }

    [Fact]
    public void Ltk_round_trips_through_load_and_event_layouts()
    {
        var addr = new BluetoothDeviceAddress(0xC0FFEE123456, BluetoothAddressType.LeRandom);
        var ltk = new LongTermKey(addr, 0x01, true, 16, 0xBEEF, 0x0102030405060708, new byte[16]);
        var load = MgmtCommands.LoadLongTermKeys([ltk]);
        Assert.Equal(2 + 36, load.Length);
        var ev = MgmtEvents.NewLongTermKey([0x00, .. load.AsSpan(2)]);
        Assert.False(ev.StoreHint);
        Assert.Equal(ltk with { Value = ev.Key.Value }, ev.Key);
    }

    [Fact]
    public void Irk_event_and_load_layouts()
    {
        var addr = new BluetoothDeviceAddress(0xC0FFEE123456, BluetoothAddressType.LeRandom);
        var irk = new IdentityResolvingKey(addr, Enumerable.Repeat((byte)0xA5, 16).ToArray());
        var load = MgmtCommands.LoadIdentityResolvingKeys([irk]);
        Assert.Equal(2 + 23, load.Length);
        var ev = MgmtEvents.NewIrk([0x01, 1, 2, 3, 4, 5, 0x46, .. load.AsSpan(2)]);
        Assert.Equal(0x460504030201ul, ev.RandomAddress);
        Assert.Equal(addr, ev.Key.Address);
        Assert.Equal(irk.Value, ev.Key.Value);
    }

    [Fact]
    public void Pairing_commands_layout()
    {
        var addr = new BluetoothDeviceAddress(0x010203040506, BluetoothAddressType.BrEdr);
        Assert.Equal(new byte[] { 6, 5, 4, 3, 2, 1, 0, 1 }, MgmtCommands.PairDevice(addr, IoCapability.DisplayYesNo));
        Assert.Equal(new byte[] { 6, 5, 4, 3, 2, 1, 0, 0x3F, 0x42, 0x0F, 0x00 }, MgmtCommands.UserPasskeyReply(addr, 999999));
        Assert.Throws<ArgumentOutOfRangeException>(() => MgmtCommands.UserPasskeyReply(addr, 1000000));
        var pin = MgmtCommands.PinCodeReply(addr, "0000"u8);
        Assert.Equal(24, pin.Length);
        Assert.Equal(4, pin[7]);
        var confirm = MgmtEvents.UserConfirmRequest(new byte[] { 6, 5, 4, 3, 2, 1, 0, 0, 0x40, 0xE2, 0x01, 0x00 });
        Assert.Equal(123456u, confirm.Value);
    }

    [Fact]
    public void Set_local_name_is_nul_padded_and_bounded()
    {
        var p = MgmtCommands.SetLocalName("lab", "l");
        Assert.Equal(260, p.Length);
        Assert.Equal((byte)'l', p[249]);
        Assert.Throws<ArgumentException>(() => MgmtCommands.SetLocalName(new string('x', 249)));
    }

    [Fact]
    public void Every_status_has_a_name_and_exception_carries_it()
    {
        for (byte s = 0; s <= 0x14; s++)
            Assert.DoesNotContain("Unknown status", MgmtStatusNames.Name((MgmtStatus)s), StringComparison.Ordinal);
        var ex = new MgmtException(MgmtOpcode.MGMT_OP_START_DISCOVERY, 0, MgmtStatus.NotPowered);
        Assert.Contains("Not Powered", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Start Discovery", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<BluetoothException>(ex);
    }
}
