using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Tests.Mgmt;

/// <summary>
/// Parameter and return layouts of Read Management Supported Commands (0x0002), Add Advertising (0x003E), Add
/// Extended Advertising Parameters (0x0054) and Add Extended Advertising Data (0x0055); every expected octet is
/// written by hand from the field tables of BlueZ doc/mgmt-api.txt (all fields little-endian).
/// </summary>
public class MgmtAdvertisingCodecTests
{
    [Fact]
    public void Supported_commands_lists_commands_then_events()
    {
        // Num_Of_Commands 3 | Num_Of_Events 1 | 0x0003 0x0054 0x0055 | 0x0012 (Device Found)
        byte[] p = [0x03, 0x00, 0x01, 0x00, 0x03, 0x00, 0x54, 0x00, 0x55, 0x00, 0x12, 0x00];
        var s = MgmtSupportedCommands.Decode(p);
        Assert.Equal(new ushort[] { 0x0003, 0x0054, 0x0055 }, s.Commands.Order());
        Assert.Equal(new ushort[] { 0x0012 }, s.Events);
        Assert.True(s.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS));
        Assert.True(s.Supports(MgmtOpcode.MGMT_OP_ADD_EXT_ADV_DATA));
        Assert.False(s.Supports(MgmtOpcode.MGMT_OP_ADD_ADVERTISING));
        // "Read Management Version Information and Read management Supported Commands are not included in this list."
        Assert.True(s.Supports(0x0001));
        Assert.True(s.Supports(0x0002));
    }

    [Theory]
    [InlineData(new byte[] { 0x03 })]                                              // counts cut short
    [InlineData(new byte[] { 0x02, 0x00, 0x00, 0x00, 0x03, 0x00 })]                 // 2 commands declared, 1 present
    [InlineData(new byte[] { 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00 })]     // one code more than declared
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]                             // 131,070 codes declared, none present
    public void Supported_commands_with_counts_that_do_not_match_the_length_are_rejected(byte[] p) =>
        Assert.Throws<MgmtProtocolException>(() => MgmtSupportedCommands.Decode(p));

    [Fact]
    public void Add_extended_advertising_parameters_is_18_octets()
    {
        // Instance 1 | Flags 0x0000C003 (connectable, discoverable, intervals, TX power) | Duration 0 | Timeout 0 |
        // MinInterval 0x000000A0 (100 ms) | MaxInterval 0x000000C0 (120 ms) | TxPower -7 dBm (0xF9)
        uint flags = MgmtAdvFlags.MGMT_ADV_FLAG_CONNECTABLE | MgmtAdvFlags.MGMT_ADV_FLAG_DISCOV
            | MgmtAdvFlags.MGMT_ADV_PARAM_INTERVALS | MgmtAdvFlags.MGMT_ADV_PARAM_TX_POWER;
        Assert.Equal(
            [0x01, 0x03, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xA0, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0xF9],
            MgmtAdvertising.AddExtAdvParams(1, flags, 0, 0, 0xA0, 0xC0, -7));
    }

    [Fact]
    public void Add_extended_advertising_parameters_carries_duration_timeout_and_24_bit_intervals()
    {
        // Instance 0xFE | Flags bit 16 scan response + bits 12, 13 (0x00013000) | Duration 0x0102 | Timeout 0x0304 |
        // MinInterval 0x000020 | MaxInterval 0xFFFFFF | TxPower 127 (no preference)
        Assert.Equal(
            [0xFE, 0x00, 0x30, 0x01, 0x00, 0x02, 0x01, 0x04, 0x03, 0x20, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x7F],
            MgmtAdvertising.AddExtAdvParams(0xFE, MgmtAdvFlags.MGMT_ADV_PARAM_SCAN_RSP | MgmtAdvFlags.MGMT_ADV_PARAM_DURATION
                | MgmtAdvFlags.MGMT_ADV_PARAM_TIMEOUT, 0x0102, 0x0304, 0x20, 0xFFFFFF, 127));
    }

    [Fact]
    public void Flag_bits_are_the_ones_mgmt_api_numbers()
    {
        Assert.Equal(0x00000010u, MgmtAdvFlags.MGMT_ADV_FLAG_TX_POWER);         // bit 4
        Assert.Equal(0x00000400u, MgmtAdvFlags.MGMT_ADV_FLAG_CAN_SET_TX_POWER); // bit 10
        Assert.Equal(0x00004000u, MgmtAdvFlags.MGMT_ADV_PARAM_INTERVALS);       // bit 14
        Assert.Equal(0x00008000u, MgmtAdvFlags.MGMT_ADV_PARAM_TX_POWER);        // bit 15
        Assert.Equal(0x00010000u, MgmtAdvFlags.MGMT_ADV_PARAM_SCAN_RSP);        // bit 16
    }

    [Fact]
    public void Add_extended_advertising_parameters_return_gives_tx_power_and_max_lengths()
    {
        // Instance 2 | TxPower 0xF9 (-7 dBm) | MaxAdvDataLen 28 | MaxScanRspLen 31
        var r = MgmtAdvertising.ReadAddExtAdvParamsReturn([0x02, 0xF9, 0x1C, 0x1F]);
        Assert.Equal(new AddExtAdvParamsReturn(2, -7, 28, 31), r);
        Assert.Throws<MgmtProtocolException>(() => MgmtAdvertising.ReadAddExtAdvParamsReturn([0x02, 0xF9, 0x1C]));
    }

    [Fact]
    public void Add_extended_advertising_data_is_instance_lengths_then_both_blocks()
    {
        // Instance 1 | Advertising Data Length 4 | Scan Response Length 3 | 03 03 0F 18 (UUID 0x180F) | 02 09 'A'
        Assert.Equal([0x01, 0x04, 0x03, 0x03, 0x03, 0x0F, 0x18, 0x02, 0x09, 0x41],
            MgmtAdvertising.AddExtAdvData(1, [0x03, 0x03, 0x0F, 0x18], [0x02, 0x09, 0x41]));
        Assert.Equal([0x05, 0x00, 0x00], MgmtAdvertising.AddExtAdvData(5, [], []));
        Assert.Throws<ArgumentException>(() => MgmtAdvertising.AddExtAdvData(1, new byte[256], []));
    }

    [Fact]
    public void Add_advertising_layout()
    {
        // Instance 3 | Flags 0x00000001 | Duration 2 | Timeout 0x012C | Adv_Data_Len 2 | Scan_Rsp_Len 1 | 01 02 | 03
        Assert.Equal([0x03, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x2C, 0x01, 0x02, 0x01, 0x01, 0x02, 0x03],
            MgmtAdvertising.AddAdvertising(3, MgmtAdvFlags.MGMT_ADV_FLAG_CONNECTABLE, 2, 300, [0x01, 0x02], [0x03]));
    }

    [Theory]
    // 0.625 ms slots: 20 ms = 0x20 (the minimum), 100 ms = 0xA0, 10.24 s = 0x4000 (legacy maximum, Core Vol 4 Part E
    // §7.8.5), 0xFFFFFF slots = 10,485.759375 s (the extended maximum, §7.8.53); 100.3 ms rounds to 160 slots.
    [InlineData(20.0, 0x20u)]
    [InlineData(100.0, 0xA0u)]
    [InlineData(100.3, 0xA0u)]
    [InlineData(10240.0, 0x4000u)]
    [InlineData(10485759.375, 0xFFFFFFu)]
    public void Interval_converts_to_0_625_ms_slots(double milliseconds, uint slots) =>
        Assert.Equal(slots, MgmtAdvertising.IntervalUnits(TimeSpan.FromMilliseconds(milliseconds), "i"));

    [Theory]
    [InlineData(19.0)]
    [InlineData(0.0)]
    [InlineData(-100.0)]
    [InlineData(10485760.0)]
    public void Interval_outside_the_range_throws(double milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MgmtAdvertising.IntervalUnits(TimeSpan.FromMilliseconds(milliseconds), "i"));
}
