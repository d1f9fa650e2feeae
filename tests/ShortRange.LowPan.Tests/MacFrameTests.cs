using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.Tests;

public class MacFrameTests
{
    [Fact]
    public void Fcs_matches_the_ITU_T_CRC16_check_value()
    {
        // CRC-16/KERMIT (poly 0x1021 reflected, init 0) check value over "123456789".
        Assert.Equal(0x2189, Fcs.Compute("123456789"u8));
    }

    [Fact]
    public void Ack_frame_with_fcs_round_trips_and_bit_flip_is_detected()
    {
        var buf = new byte[5];
        int n = MacFrame.WriteAck(0x2A, false, buf, appendFcs: true);
        Assert.Equal(5, n);
        Assert.Equal(new byte[] { 0x02, 0x00, 0x2A }, buf[..3]);
        var f = MacFrame.Parse(buf, hasFcs: true);
        Assert.Equal(MacFrameType.Ack, f.Header.FrameType);
        Assert.Equal(0x2A, f.Header.SequenceNumber);
        buf[2] ^= 0x01;
        Assert.False(MacFrame.TryParse(buf, out _, out var reason, hasFcs: true));
        Assert.Equal(DropReason.BadFcs, reason);
    }

    [Fact]
    public void Data_frame_short_broadcast_from_extended_matches_known_bytes()
    {
        // 41 c8: data, PAN ID compression, dst short, 2003, src extended — the common 6LoWPAN broadcast header.
        var header = new MacHeader
        {
            FrameType = MacFrameType.Data,
            PanIdCompression = true,
            SequenceNumber = 0x05,
            DestinationPanId = 0xABCD,
            Destination = MacAddress.Broadcast,
            Source = MacAddress.FromExtended(0x0011223344556677),
        };
        var buf = new byte[64];
        int n = MacFrame.Write(header, [0x7F], buf);
        Assert.Equal(Packets.Hex("41c8 05 cdab ffff 7766554433221100 7f"), buf[..n]);
        var f = MacFrame.Parse(buf.AsSpan(0, n));
        Assert.Equal(header with { }, f.Header);
        Assert.Equal((ushort)0xABCD, f.Header.EffectiveSourcePanId);
        Assert.Equal(new byte[] { 0x7F }, f.Payload.ToArray());
    }

    public static TheoryData<int, int, int, bool> AddressCombinations()
    {
        var d = new TheoryData<int, int, int, bool>();
        foreach (var version in new[] { 0, 1, 2 })
            foreach (var dst in new[] { 0, 2, 3 })
                foreach (var src in new[] { 0, 2, 3 })
                    foreach (var comp in new[] { false, true })
                        if (version == 2 || !comp || (dst != 0 && src != 0))
                            d.Add(version, dst, src, comp);
        return d;
    }

    [Theory]
    [MemberData(nameof(AddressCombinations))]
    public void Every_addressing_combination_round_trips(int version, int dstMode, int srcMode, bool compression)
    {
        var header = new MacHeader
        {
            FrameType = MacFrameType.Data,
            Version = (MacFrameVersion)version,
            PanIdCompression = compression,
            AckRequest = dstMode != 0,
            SequenceNumber = 200,
            Destination = Address((AddressingMode)dstMode, 0x1234, 0x0102030405060708),
            Source = Address((AddressingMode)srcMode, 0x5678, 0x1112131415161718),
        };
        var (dp, sp) = MacHeader.PanIdPresence(header.Version, header.Destination.Mode, header.Source.Mode, compression);
        header = header with { DestinationPanId = dp ? (ushort)0x1111 : null, SourcePanId = sp ? (ushort)0x2222 : null };
        var buf = new byte[64];
        int n = MacFrame.Write(header, "payload"u8, buf, appendFcs: true);
        Assert.Equal(header.Length + 7 + 2, n);
        var f = MacFrame.Parse(buf.AsSpan(0, n), hasFcs: true);
        Assert.Equal(header, f.Header);
        Assert.Equal("payload"u8.ToArray(), f.Payload.ToArray());
    }

    [Fact]
    public void Pan_id_presence_follows_2015_table()
    {
        var v = MacFrameVersion.Ieee2015;
        Assert.Equal((false, false), MacHeader.PanIdPresence(v, AddressingMode.None, AddressingMode.None, false));
        Assert.Equal((true, false), MacHeader.PanIdPresence(v, AddressingMode.None, AddressingMode.None, true));
        Assert.Equal((true, false), MacHeader.PanIdPresence(v, AddressingMode.Extended, AddressingMode.Extended, false));
        Assert.Equal((false, false), MacHeader.PanIdPresence(v, AddressingMode.Extended, AddressingMode.Extended, true));
        Assert.Equal((true, true), MacHeader.PanIdPresence(v, AddressingMode.Short, AddressingMode.Extended, false));
        Assert.Equal((true, false), MacHeader.PanIdPresence(v, AddressingMode.Short, AddressingMode.Short, true));
        Assert.Equal((false, true), MacHeader.PanIdPresence(v, AddressingMode.None, AddressingMode.Short, false));
    }

    // Expected bytes written by hand from IEEE 802.15.4-2015 §9.4: Security Control (level bits 0-2, key identifier
    // mode bits 3-4, frame counter suppression bit 5), Frame Counter (4 octets LE), Key Identifier: mode 0 → none,
    // mode 1 → Key Index (1), mode 2 → 4-octet Key Source + Key Index (5), mode 3 → 8-octet Key Source + Key Index (9).
    [Theory]
    [InlineData(0, 0, 0, "00 EF BE AD DE")]
    [InlineData(5, 1, 1, "0D EF BE AD DE 09")]
    [InlineData(6, 2, 5, "16 EF BE AD DE 04 03 02 01 09")]
    [InlineData(7, 3, 9, "1F EF BE AD DE 08 07 06 05 04 03 02 01 09")]
    public void Auxiliary_security_header_matches_the_spec_layout(int level, int keyIdMode, int expectedKeyIdLength, string expectedHex)
    {
        var aux = new AuxiliarySecurityHeader((SecurityLevel)level, (KeyIdMode)keyIdMode, 0xDEADBEEF,
            KeySource: keyIdMode == 2 ? 0x01020304UL : keyIdMode == 3 ? 0x0102030405060708UL : 0, KeyIndex: (byte)(keyIdMode == 0 ? 0 : 9));
        Assert.Equal(1 + 4 + expectedKeyIdLength, aux.Length);
        var header = new MacHeader
        {
            FrameType = MacFrameType.Data, Version = MacFrameVersion.Ieee2006, PanIdCompression = true, DestinationPanId = 1,
            Destination = MacAddress.FromShort(1), Source = MacAddress.FromShort(2), Security = aux,
        };
        var buf = new byte[80];
        var payloadAndMic = new byte[10 + aux.MicLength];
        int n = MacFrame.Write(header, payloadAndMic, buf);
        // FCF (2) + sequence (1) + dest PAN (2) + dest short (2) + src short (2) = 9 octets before the aux header.
        Assert.Equal(Convert.FromHexString(expectedHex.Replace(" ", "")), buf.AsSpan(9, aux.Length).ToArray());
        Assert.Equal(0x08, buf[0] & 0x08); // Security Enabled, FCF bit 3
        var f = MacFrame.Parse(buf.AsSpan(0, n));
        Assert.Equal(aux, f.Header.Security);
        Assert.Equal(10, f.Payload.Length);
        Assert.Equal(aux.MicLength, f.Mic.Length);
        // §9.4.2.2 Table 9-6: MIC-32/64/128 for levels 1-3 and 5-7.
        Assert.Equal(new[] { 0, 4, 8, 16, 0, 4, 8, 16 }[level], aux.MicLength);
    }

    [Fact]
    public void Auxiliary_security_header_with_suppressed_frame_counter_has_no_counter_octets()
    {
        // 2015 frame, level 5, key id mode 1, Frame Counter Suppression (bit 5) → control 0x2D, then the key index only.
        var aux = new AuxiliarySecurityHeader(SecurityLevel.EncMic32, KeyIdMode.Index, 0, KeyIndex: 7, FrameCounterSuppressed: true);
        Assert.Equal(2, aux.Length);
        var header = new MacHeader
        {
            FrameType = MacFrameType.Data, Version = MacFrameVersion.Ieee2015, PanIdCompression = true, DestinationPanId = 1,
            Destination = MacAddress.FromShort(1), Source = MacAddress.FromShort(2), Security = aux,
        };
        var buf = new byte[40];
        int n = MacFrame.Write(header, new byte[4], buf);
        Assert.Equal(new byte[] { 0x2D, 0x07 }, buf.AsSpan(9, 2).ToArray());
        Assert.Equal(aux, MacFrame.Parse(buf.AsSpan(0, n)).Header.Security);
    }

    [Fact]
    public void Beacon_and_command_frames_parse()
    {
        var beaconPayload = new byte[16];
        int bl = BeaconPayload.Write(beaconPayload, panCoordinator: true, associationPermit: true, "hi"u8);
        var header = new MacHeader { FrameType = MacFrameType.Beacon, SourcePanId = 0x777, Source = MacAddress.FromShort(0) };
        var buf = new byte[64];
        int n = MacFrame.Write(header, beaconPayload.AsSpan(0, bl), buf);
        var f = MacFrame.Parse(buf.AsSpan(0, n));
        var b = BeaconPayload.Parse(f.Payload);
        Assert.True(b.PanCoordinator);
        Assert.True(b.AssociationPermit);
        Assert.Equal(15, b.BeaconOrder);
        Assert.Equal("hi"u8.ToArray(), b.BeaconData.ToArray());
        Assert.Equal((ushort)0x777, f.Header.SourcePanId);

        var cmd = new MacHeader { FrameType = MacFrameType.MacCommand, DestinationPanId = 0xFFFF, Destination = MacAddress.Broadcast };
        n = MacFrame.Write(cmd, [(byte)MacCommandId.BeaconRequest], buf);
        Assert.Equal(Packets.Hex("0308 00 ffff ffff 07"), buf[..n]);
        Assert.Equal(MacCommandId.BeaconRequest, MacFrame.Parse(buf.AsSpan(0, n)).CommandId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("41")]
    [InlineData("41c8")]
    [InlineData("41c805cdabffff77665544")]
    [InlineData("4cc8 05")] // reserved frame type 4
    [InlineData("4dcc 05")] // reserved dst addressing mode 1 (0x0400)
    [InlineData("41 30 05")] // version 3
    [InlineData("49 88 01 3412 0100 0200 05")] // 2006 secured, aux header truncated
    public void Truncated_or_reserved_frames_are_rejected_with_a_reason(string hex)
    {
        Assert.False(MacFrame.TryParse(Packets.Hex(hex), out _, out var reason));
        Assert.True(reason is DropReason.Truncated or DropReason.Reserved, reason.ToString());
    }

    [Fact]
    public void Random_garbage_never_throws_anything_but_format_errors()
    {
        var rng = new Random(1234);
        var buf = new byte[130];
        for (int i = 0; i < 20000; i++)
        {
            int len = rng.Next(0, buf.Length);
            rng.NextBytes(buf);
            try { _ = MacFrame.Parse(buf.AsSpan(0, len), hasFcs: (i & 1) == 0); }
            catch (LowPanFormatException) { }
        }
    }

    [Fact]
    public void Extended_address_derives_interface_identifier_with_ul_bit_flipped()
    {
        Span<byte> iid = stackalloc byte[8];
        MacAddress.FromExtended(0x0011223344556677).WriteInterfaceIdentifier(iid);
        Assert.Equal(Packets.Hex("0211223344556677"), iid.ToArray());
        MacAddress.FromShort(0xBEEF).WriteInterfaceIdentifier(iid);
        Assert.Equal(Packets.Hex("000000fffe00beef"), iid.ToArray());
        Assert.Equal("00:11:22:33:44:55:66:77", MacAddress.FromExtended(0x0011223344556677).ToString());
    }

    private static MacAddress Address(AddressingMode mode, ushort s, ulong e) => mode switch
    {
        AddressingMode.Short => MacAddress.FromShort(s),
        AddressingMode.Extended => MacAddress.FromExtended(e),
        _ => MacAddress.None,
    };
}
