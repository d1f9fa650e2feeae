using System.Buffers.Binary;
using System.Text;
using CsCheck;
using ShortRange.Bluetooth;
using ShortRange.Bluetooth.Advertising;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Monitor;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile input for the Bluetooth parsers. Documented exceptions: EIR/AD → <see cref="AdvertisingDataException"/>;
/// mgmt packets and event parameters → <see cref="MgmtProtocolException"/>; monitor frames → <see cref="BluetoothException"/>;
/// bond files → <see cref="FormatException"/> (BondFileFormat.Read's contract, which BondStore relies on).
/// </summary>
public class BluetoothFuzzTests
{
    /// <summary>Real EIR/AD shapes: a btvirt controller's EIR, an LE beacon, a phone's advertisement (Core Vol 3 Part C §11 examples).</summary>
    internal static readonly byte[][] AdSeeds =
    [
        [0x02, 0x01, 0x06, 0x03, 0x03, 0x0F, 0x18, 0x09, 0x09, (byte)'b', (byte)'t', (byte)'v', (byte)'i', (byte)'r', (byte)'t', (byte)'-', (byte)'1', 0x02, 0x0A, 0xF4],
        [0x02, 0x01, 0x1A, 0x1A, 0xFF, 0x4C, 0x00, 0x02, 0x15, 0xE2, 0xC5, 0x6D, 0xB5, 0xDF, 0xFB, 0x48, 0xD2, 0xB0, 0x60, 0xD0, 0xF5, 0xA7, 0x10, 0x96, 0xE0, 0x00, 0x01, 0x00, 0x02, 0xC5],
        [0x04, 0x0D, 0x0C, 0x02, 0x5A, 0x03, 0x19, 0x80, 0x00, 0x05, 0x16, 0x0F, 0x18, 0x64, 0x00, 0x11, 0x07, 0x9E, 0xCA, 0xDC, 0x24, 0x0E, 0xE5, 0xA9, 0xE0, 0x93, 0xF3, 0xA3, 0xB5, 0x01, 0x00, 0x40, 0x6E, 0x00, 0x00],
    ];

    private static readonly Gen<byte> KnownAdType = Gen.OneOf(
        Gen.Const(AdType.Flags), Gen.Const(AdType.IncompleteUuid16), Gen.Const(AdType.CompleteUuid16), Gen.Const(AdType.IncompleteUuid32),
        Gen.Const(AdType.CompleteUuid32), Gen.Const(AdType.IncompleteUuid128), Gen.Const(AdType.CompleteUuid128), Gen.Const(AdType.ShortenedLocalName),
        Gen.Const(AdType.CompleteLocalName), Gen.Const(AdType.TxPowerLevel), Gen.Const(AdType.ClassOfDevice), Gen.Const(AdType.ServiceData16),
        Gen.Const(AdType.Appearance), Gen.Const(AdType.ServiceData32), Gen.Const(AdType.ServiceData128), Gen.Const(AdType.ManufacturerSpecificData), Gen.Byte);

    /// <summary>AD structures with the right sizes most of the time and a random size sometimes.</summary>
    internal static readonly Gen<byte[]> AdStructures =
        Gen.Select(KnownAdType, Gen.Frequency((3, Gen.Int[0, 3].Select(k => k * 2)), (3, Gen.Int[0, 2].Select(k => k * 16)), (2, Gen.Int[0, 30])), (t, n) => (t, n))
            .SelectMany(x => Gen.Byte.Array[x.n, x.n].Select(data => (byte[])[(byte)(data.Length + 1), x.t, .. data]))
            .Array[0, 8].Select(list => list.SelectMany(s => s).ToArray());

    [Fact]
    public void Advertising_data_parser_only_throws_AdvertisingDataException()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(AdStructures, AdSeeds, 240), b => _ = AdvertisingDataParser.Parse(b),
            new AllocationBudget(48, 8192) /* raw copy + one Guid per 2-byte UUID16 + names */, typeof(AdvertisingDataException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    private static byte[] Mgmt(ushort code, ushort index, ReadOnlySpan<byte> p) => new MgmtPacket(code, index, p.ToArray()).ToArray();

    private static byte[] Addr(byte type = 0) => [0x55, 0x44, 0x33, 0x22, 0x11, 0x00, type];

    /// <summary>Event shapes the kernel sends (doc/mgmt-api.txt), as the lab's btvirt produces them.</summary>
    internal static readonly byte[][] MgmtSeeds =
    [
        Mgmt(MgmtEventCode.MGMT_EV_CMD_COMPLETE, 0xFFFF, [0x01, 0x00, 0x00, 0x01, 0x16, 0x00]),
        Mgmt(MgmtEventCode.MGMT_EV_CMD_COMPLETE, 0xFFFF, [0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00]),
        Mgmt(MgmtEventCode.MGMT_EV_CMD_COMPLETE, 0, [0x04, 0x00, 0x00, .. new byte[280]]),
        Mgmt(MgmtEventCode.MGMT_EV_CMD_STATUS, 0, [0x23, 0x00, 0x0A]),
        // Read Management Supported Commands: 2 commands (0x0054, 0x0055), 1 event (0x0006); Add Ext Adv Params return.
        Mgmt(MgmtEventCode.MGMT_EV_CMD_COMPLETE, 0xFFFF, [0x02, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x54, 0x00, 0x55, 0x00, 0x06, 0x00]),
        Mgmt(MgmtEventCode.MGMT_EV_CMD_COMPLETE, 0, [0x54, 0x00, 0x00, 0x01, 0xFA, 0x1F, 0x1F]),
        Mgmt(MgmtEventCode.MGMT_EV_NEW_SETTINGS, 0, [0xD1, 0x0A, 0x00, 0x00]),
        Mgmt(MgmtEventCode.MGMT_EV_DEVICE_FOUND, 0, [.. Addr(), 0xC4, 0x04, 0, 0, 0, (byte)AdSeeds[0].Length, 0x00, .. AdSeeds[0]]),
        Mgmt(MgmtEventCode.MGMT_EV_DEVICE_CONNECTED, 0, [.. Addr(1), 0, 0, 0, 0, 0x03, 0x00, 0x02, 0x01, 0x06]),
        Mgmt(MgmtEventCode.MGMT_EV_DEVICE_DISCONNECTED, 0, [.. Addr(), 0x03]),
        Mgmt(MgmtEventCode.MGMT_EV_DISCOVERING, 0, [0x07, 0x01]),
        Mgmt(MgmtEventCode.MGMT_EV_NEW_LINK_KEY, 0, [0x01, .. Addr(), 0x04, .. new byte[16], 0x00]),
        Mgmt(MgmtEventCode.MGMT_EV_NEW_LONG_TERM_KEY, 0, [0x01, .. Addr(1), 0x01, 0x01, 0x10, 0x34, 0x12, .. new byte[8], .. new byte[16]]),
        Mgmt(MgmtEventCode.MGMT_EV_NEW_IRK, 0, [0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, .. Addr(2), .. new byte[16]]),
        Mgmt(MgmtEventCode.MGMT_EV_USER_CONFIRM_REQUEST, 0, [.. Addr(), 0x00, 0x40, 0xE2, 0x01, 0x00]),
        Mgmt(MgmtEventCode.MGMT_EV_PASSKEY_NOTIFY, 0, [.. Addr(), 0x40, 0xE2, 0x01, 0x00, 0x02]),
        Mgmt(MgmtEventCode.MGMT_EV_PIN_CODE_REQUEST, 0, [.. Addr(), 0x00]),
        Mgmt(MgmtEventCode.MGMT_EV_AUTH_FAILED, 0, [.. Addr(), 0x05]),
        Mgmt(MgmtEventCode.MGMT_EV_USER_PASSKEY_REQUEST, 0, Addr()),
    ];

    /// <summary>Decodes a datagram the way the mgmt receive loop and its subscribers do.</summary>
    internal static void DecodeMgmt(byte[] datagram)
    {
        var p = MgmtPacket.Decode(datagram);
        var s = p.Parameters.Span;
        switch (p.Code)
        {
            case MgmtEventCode.MGMT_EV_CMD_COMPLETE:
                var (op, _, ret) = MgmtEvents.CommandComplete(p.Parameters);
                if (op == MgmtOpcode.MGMT_OP_READ_INFO) _ = MgmtEvents.ReadInfo(p.Index, ret.Span);
                else if (op == MgmtOpcode.MGMT_OP_READ_INDEX_LIST) _ = MgmtEvents.IndexList(ret.Span);
                else if (op == MgmtOpcode.MGMT_OP_READ_COMMANDS) _ = MgmtSupportedCommands.Decode(ret.Span);
                else if (op == MgmtOpcode.MGMT_OP_ADD_EXT_ADV_PARAMS) _ = MgmtAdvertising.ReadAddExtAdvParamsReturn(ret.Span);
                else if (ret.Length > 0 && (op & 1) == 0) _ = MgmtEvents.Settings(ret.Span);
                break;
            case MgmtEventCode.MGMT_EV_CMD_STATUS: _ = MgmtEvents.CommandStatus(s); break;
            case MgmtEventCode.MGMT_EV_NEW_SETTINGS: _ = MgmtEvents.Settings(s); break;
            case MgmtEventCode.MGMT_EV_DEVICE_FOUND:
                var found = MgmtEvents.DeviceFound(s);
                try { _ = AdvertisingDataParser.Parse(found.Eir, found.Flags); } catch (AdvertisingDataException) { }
                break;
            case MgmtEventCode.MGMT_EV_DEVICE_CONNECTED: _ = MgmtEvents.DeviceConnected(s); break;
            case MgmtEventCode.MGMT_EV_DEVICE_DISCONNECTED: _ = MgmtEvents.DeviceDisconnected(s); break;
            case MgmtEventCode.MGMT_EV_DISCOVERING: _ = MgmtEvents.Discovering(s); break;
            case MgmtEventCode.MGMT_EV_NEW_LINK_KEY: _ = MgmtEvents.NewLinkKey(s); break;
            case MgmtEventCode.MGMT_EV_NEW_LONG_TERM_KEY: _ = MgmtEvents.NewLongTermKey(s); break;
            case MgmtEventCode.MGMT_EV_NEW_IRK: _ = MgmtEvents.NewIrk(s); break;
            case MgmtEventCode.MGMT_EV_USER_CONFIRM_REQUEST: _ = MgmtEvents.UserConfirmRequest(s); break;
            case MgmtEventCode.MGMT_EV_PASSKEY_NOTIFY: _ = MgmtEvents.PasskeyNotify(s); break;
            case MgmtEventCode.MGMT_EV_PIN_CODE_REQUEST: _ = MgmtEvents.PinCodeRequest(s); break;
            case MgmtEventCode.MGMT_EV_AUTH_FAILED: _ = MgmtEvents.AuthFailed(s); break;
            default: _ = MgmtEvents.AddressOnly(s, "event"); break;
        }
    }

    [Fact]
    public void Mgmt_packets_and_events_only_throw_MgmtProtocolException()
    {
        // Structured: any known event code with random parameters whose length field is right (so the event decoders see them).
        var structured = Gen.Select(Gen.UShort[0, 0x19], Gen.UShort[0, 2], Gen.Byte.Array[0, 64], (c, i, p) => Mgmt(c, i, p));
        var stats = FuzzHarness.Run(Mutator.Mix(structured, MgmtSeeds, 300), DecodeMgmt,
            new AllocationBudget(48, 8192) /* parameters copied once, EIR copied and parsed */, typeof(MgmtProtocolException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Monitor_frames_only_throw_BluetoothException()
    {
        var seeds = MgmtSeeds.Select(m => (byte[])[.. BitConverter.GetBytes(MonitorPacket.HCI_MON_EVENT_PKT), 0, 0, .. m.AsSpan(4)]).ToList();
        seeds.Add([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00, (byte)'h', (byte)'c', (byte)'i', (byte)'0', 0, 0, 0, 0]);
        var stats = FuzzHarness.Run(Mutator.Mutants(seeds), b => _ = MonitorPacket.Decode(b), new AllocationBudget(2, 8192), typeof(BluetoothException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    internal static readonly byte[][] BondSeeds =
    [
        Encoding.UTF8.GetBytes(BondFileFormat.Write(new Bond(new BluetoothDeviceAddress(0x001122334455, BluetoothAddressType.BrEdr),
            new LinkKey(new BluetoothDeviceAddress(0x001122334455, BluetoothAddressType.BrEdr), 4, new byte[16], 0), [], null))),
        Encoding.UTF8.GetBytes(BondFileFormat.Write(new Bond(new BluetoothDeviceAddress(0xC01122334455, BluetoothAddressType.LeRandom), null,
            [new LongTermKey(new BluetoothDeviceAddress(0xC01122334455, BluetoothAddressType.LeRandom), 1, true, 16, 0x1234, 0x1122334455667788, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray())],
            new IdentityResolvingKey(new BluetoothDeviceAddress(0xC01122334455, BluetoothAddressType.LeRandom), new byte[16])))),
    ];

    [Fact]
    public void Bond_file_reader_only_throws_FormatException()
    {
        FuzzHarness.Run(Mutator.Mutants(BondSeeds), b => _ = BondFileFormat.Read(Encoding.UTF8.GetString(b)),
            new AllocationBudget(64, 16_384) /* text → strings → split fields */, typeof(FormatException));
    }
}
