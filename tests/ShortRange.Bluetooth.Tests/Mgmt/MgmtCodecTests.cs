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

    // The key vectors below are written by hand from BlueZ doc/mgmt-api.txt (never produced by our encoder):
    // Address is the bdaddr little-endian (6) + Address_Type (1: 0 BR/EDR, 1 LE public, 2 LE random).
    private static readonly byte[] KeyBytes = [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F];

    [Fact]
    public void Link_key_event_and_load_command_match_the_mgmt_api_layout()
    {
        // Load Link Keys: Debug_Keys (1), Key_Count (2), then per key Address (6), Address_Type (1), Key_Type (1),
        // Value (16), PIN_Length (1).
        byte[] record = [0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA, 0x00, 0x04, .. KeyBytes, 0x00];
        var addr = new BluetoothDeviceAddress(0xAABBCCDDEEFF, BluetoothAddressType.BrEdr);
        Assert.Equal([0x00, 0x01, 0x00, .. record], MgmtCommands.LoadLinkKeys([new LinkKey(addr, 0x04, KeyBytes, 0)]));
        // New Link Key Event: Store_Hint (1), then the same 25-octet key.
        var ev = MgmtEvents.NewLinkKey([0x01, .. record]);
        Assert.True(ev.StoreHint);
        Assert.Equal(addr, ev.Key.Address);
        Assert.Equal(0x04, ev.Key.KeyType);
        Assert.Equal(KeyBytes, ev.Key.Value);
        Assert.Equal(0, ev.Key.PinLength);
    }

    [Fact]
    public void Ltk_load_command_and_event_match_the_mgmt_api_layout()
    {
        // Load Long Term Keys: Key_Count (2), then per key Address (6), Address_Type (1), Key_Type (1), Master (1),
        // Encryption_Size (1), Encryption_Diversifier (2), Random_Number (8), Value (16) = 36 octets.
        byte[] record =
        [
            0x56, 0x34, 0x12, 0xEE, 0xFF, 0xC0, 0x02, // C0:FF:EE:12:34:56, LE random
            0x01,                                     // Key_Type 1: authenticated legacy key
            0x01,                                     // Master
            0x10,                                     // Encryption_Size 16
            0xEF, 0xBE,                               // EDIV 0xBEEF
            0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, // Rand 0x0102030405060708
            .. KeyBytes,
        ];
        var addr = new BluetoothDeviceAddress(0xC0FFEE123456, BluetoothAddressType.LeRandom);
        var ltk = new LongTermKey(addr, 0x01, true, 16, 0xBEEF, 0x0102030405060708, KeyBytes);
        Assert.Equal([0x01, 0x00, .. record], MgmtCommands.LoadLongTermKeys([ltk]));
        // New Long Term Key Event: Store_Hint (1), then the same 36-octet key.
        var ev = MgmtEvents.NewLongTermKey([0x00, .. record]);
        Assert.False(ev.StoreHint);
        Assert.Equal(addr, ev.Key.Address);
        Assert.Equal(0x01, ev.Key.KeyType);
        Assert.True(ev.Key.Central);
        Assert.Equal(16, ev.Key.EncryptionSize);
        Assert.Equal(0xBEEF, ev.Key.EncryptionDiversifier);
        Assert.Equal(0x0102030405060708UL, ev.Key.RandomNumber);
        Assert.Equal(KeyBytes, ev.Key.Value);
    }

    [Fact]
    public void Irk_load_command_and_event_match_the_mgmt_api_layout()
    {
        // Load Identity Resolving Keys: Key_Count (2), then per key Address (6), Address_Type (1), Value (16).
        byte[] record = [0x56, 0x34, 0x12, 0xEE, 0xFF, 0xC0, 0x01, .. KeyBytes]; // C0:FF:EE:12:34:56, LE public identity
        var addr = new BluetoothDeviceAddress(0xC0FFEE123456, BluetoothAddressType.LePublic);
        Assert.Equal([0x01, 0x00, .. record], MgmtCommands.LoadIdentityResolvingKeys([new IdentityResolvingKey(addr, KeyBytes)]));
        // New Identity Resolving Key Event: Store_Hint (1), Random_Address (6), then the 23-octet key.
        var ev = MgmtEvents.NewIrk([0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x46, .. record]);
        Assert.True(ev.StoreHint);
        Assert.Equal(0x460504030201UL, ev.RandomAddress);
        Assert.Equal(addr, ev.Key.Address);
        Assert.Equal(KeyBytes, ev.Key.Value);
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
