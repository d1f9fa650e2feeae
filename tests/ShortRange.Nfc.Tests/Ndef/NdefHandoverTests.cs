using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;

namespace ShortRange.Nfc.Tests.Ndef;

/// <summary>
/// Connection Handover (Hs/Hr/ac/cr/err) with Bluetooth (ep.oob, le.oob) and Wi-Fi (wfa.wsc) carrier configuration
/// records. Vectors are assembled field by field from the layouts in Connection Handover 1.3, the Bluetooth SSP-over-NFC
/// application document and WSC 2.0 (each byte commented) — the same shape as the specs' static-handover examples.
/// </summary>
public class NdefHandoverTests
{
    // Hs 1.3 + one ac (CPS active, CDR "0") + ep.oob record with ID "0": BD_ADDR 01:02:03:04:05:06, CoD 0x000420, name "Phone".
    private static readonly byte[] BluetoothSelect =
    [
        0x91, 0x02, 0x0A, (byte)'H', (byte)'s', 0x13,               // MB|SR "Hs", payload 10: version 1.3
        0xD1, 0x02, 0x04, (byte)'a', (byte)'c', 0x01, 0x01, 0x30, 0x00, // nested "ac": CPS active, CDR len 1 "0", 0 aux
        0x5A, 0x20, 0x14, 0x01, .. "application/vnd.bluetooth.ep.oob"u8, 0x30, // ME|SR|IL MIME, type 32, payload 20, ID "0"
        0x14, 0x00,                                                   // OOB Data Length 20, little-endian
        0x06, 0x05, 0x04, 0x03, 0x02, 0x01,                           // BD_ADDR little-endian
        0x04, 0x0D, 0x20, 0x04, 0x00,                                 // EIR Class of Device 0x000420
        0x06, 0x09, .. "Phone"u8,                                     // EIR Complete Local Name
    ];

    [Fact]
    public void Bluetooth_handover_select_decodes_and_encodes_identically()
    {
        var msg = NdefMessage.Parse(BluetoothSelect);
        var hs = NdefHandover.Decode(msg[0]);
        Assert.Equal(NdefHandoverKind.Select, hs.Kind);
        Assert.Equal((1, 3), (hs.MajorVersion, hs.MinorVersion));
        var ac = Assert.Single(hs.Carriers);
        Assert.Equal(NdefCarrierPowerState.Active, ac.PowerState);
        Assert.Equal("0", ac.DataReferenceText);
        var carrier = NdefHandover.FindCarrierRecord(msg, ac.DataReference.Span)!;
        Assert.Equal(NdefBluetoothOob.EpOobMimeType, carrier.TypeText);
        var (addr, eir) = NdefBluetoothOob.DecodeEp(carrier.Payload.Span);
        Assert.Equal(0x010203040506UL, addr);
        Assert.Equal("Phone", NdefBluetoothOob.FindLocalName(eir));
        Assert.Equal(new byte[] { 0x20, 0x04, 0x00 }, eir.Single(f => f.Type == BluetoothEirField.ClassOfDevice).Data.ToArray());

        var rebuilt = new NdefHandover(NdefHandoverKind.Select, [new NdefAlternativeCarrier(NdefCarrierPowerState.Active, "0"u8.ToArray())])
            .ToMessage(NdefBluetoothOob.CreateEp(0x010203040506, [new(BluetoothEirField.ClassOfDevice, new byte[] { 0x20, 0x04, 0x00 }), new(BluetoothEirField.CompleteLocalName, "Phone"u8.ToArray())]));
        Assert.Equal(BluetoothSelect, NdefMessage.Encode(rebuilt));
    }

    [Fact]
    public void Handover_request_carries_collision_resolution_and_aux_references()
    {
        // Hr 1.2: cr 0x1234, ac (CPS activating, CDR "b", aux "x","yz"), then an le.oob record.
        byte[] expected =
        [
            0x91, 0x02, 0x16, (byte)'H', (byte)'r', 0x12,                   // MB|SR "Hr", payload 22
            0x91, 0x02, 0x02, (byte)'c', (byte)'r', 0x12, 0x34,              // MB|SR "cr" random 0x1234 big-endian
            0x51, 0x02, 0x09, (byte)'a', (byte)'c', 0x02, 0x01, (byte)'b', 0x02, 0x01, (byte)'x', 0x02, (byte)'y', (byte)'z',
            0x5A, 0x20, 0x0C, 0x01, .. "application/vnd.bluetooth.le.oob"u8, (byte)'b',
            0x08, 0x1B, 0x06, 0x05, 0x04, 0x03, 0x02, 0xC1, 0x01,            // LE address C1:02:03:04:05:06, random
            0x02, 0x1C, 0x02,                                                // LE Role: peripheral preferred
        ];
        var hr = new NdefHandover(NdefHandoverKind.Request,
            [new NdefAlternativeCarrier(NdefCarrierPowerState.Activating, "b"u8.ToArray()) { AuxiliaryDataReferences = ["x"u8.ToArray(), "yz"u8.ToArray()] }])
        { Version = 0x12, CollisionResolution = 0x1234 };
        var le = NdefBluetoothOob.CreateLe([NdefBluetoothOob.LeAddress(0xC10203040506, random: true), new(BluetoothEirField.LeRole, new byte[] { 0x02 })], "b");
        Assert.Equal(expected, NdefMessage.Encode(hr.ToMessage(le)));

        var msg = NdefMessage.Parse(expected);
        var back = NdefHandover.Decode(msg[0]);
        Assert.Equal((ushort)0x1234, back.CollisionResolution);
        var ac = Assert.Single(back.Carriers);
        Assert.Equal(NdefCarrierPowerState.Activating, ac.PowerState);
        Assert.Equal(["x", "yz"], ac.AuxiliaryDataReferences.Select(a => System.Text.Encoding.ASCII.GetString(a.Span)));
        var fields = NdefBluetoothOob.DecodeLe(NdefHandover.FindCarrierRecord(msg, "b"u8)!.Payload.Span);
        Assert.Equal((0xC10203040506UL, true), NdefBluetoothOob.FindLeAddress(fields));
    }

    [Fact]
    public void Empty_select_is_version_byte_only_and_error_record_round_trips()
    {
        var empty = new NdefHandover(NdefHandoverKind.Select, []).ToRecord();
        Assert.Equal(new byte[] { 0x13 }, empty.Payload.ToArray());
        Assert.Empty(NdefHandover.Decode(empty).Carriers);
        var err = new NdefHandover(NdefHandoverKind.Select, []) { Error = new NdefHandoverError(NdefHandoverError.PermanentMemoryConstraints, new byte[] { 0, 0, 1, 0 }) };
        var back = NdefHandover.Decode(NdefMessage.Parse(NdefMessage.Encode([err.ToRecord()]))[0]);
        Assert.Equal(NdefHandoverError.PermanentMemoryConstraints, back.Error!.Reason);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, back.Error.Data.ToArray());
    }

    [Fact]
    public void Collision_resolution_is_antisymmetric_and_equal_numbers_retry()
    {
        Assert.Null(NdefHandover.LocalIsRequester(7, 7));
        Assert.True(NdefHandover.LocalIsRequester(0x0003, 0x0001));  // same bit 0: greater wins
        Assert.True(NdefHandover.LocalIsRequester(0x0002, 0x0005));  // bit 0 differs: smaller wins
        Gen.Select(Gen.UShort, Gen.UShort).Where((a, b) => a != b).Sample((a, b) =>
            Assert.NotEqual(NdefHandover.LocalIsRequester(a, b), NdefHandover.LocalIsRequester(b, a)));
    }

    // WSC payload for WPA2-Personal "Home" / "secret12" (WSC 2.0 Table 28 attribute IDs).
    private static readonly byte[] WscPayload =
    [
        0x10, 0x4A, 0x00, 0x01, 0x10,                       // Version 1.0
        0x10, 0x0E, 0x00, 0x2F,                             // Credential, 47 bytes
        0x10, 0x26, 0x00, 0x01, 0x01,                       //   Network Index 1
        0x10, 0x45, 0x00, 0x04, .. "Home"u8,                //   SSID
        0x10, 0x03, 0x00, 0x02, 0x00, 0x20,                 //   Authentication Type WPA2-Personal
        0x10, 0x0F, 0x00, 0x02, 0x00, 0x08,                 //   Encryption Type AES
        0x10, 0x27, 0x00, 0x08, .. "secret12"u8,            //   Network Key
        0x10, 0x20, 0x00, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // MAC Address broadcast
        0x10, 0x49, 0x00, 0x06, 0x00, 0x37, 0x2A, 0x00, 0x01, 0x20, // Vendor Extension WFA: Version2 = 2.0
    ];

    [Fact]
    public void Wifi_wsc_credential_encodes_to_spec_layout_and_decodes()
    {
        var rec = NdefWifiWsc.Create([WifiCredential.Wpa2Personal("Home", "secret12")]);
        Assert.Equal(NdefWifiWsc.MimeType, rec.TypeText);
        Assert.Equal(WscPayload, rec.Payload.ToArray());
        var c = Assert.Single(NdefWifiWsc.Decode(WscPayload));
        Assert.Equal("Home", c.SsidText);
        Assert.Equal("secret12", c.NetworkKeyText);
        Assert.Equal(WscAuthenticationType.Wpa2Personal, c.Authentication);
        Assert.Equal(WscEncryptionType.Aes, c.Encryption);
        Assert.Equal(0xFFFF_FFFF_FFFFUL, c.MacAddress);
    }

    [Theory]
    [InlineData(new byte[] { 0x10, 0x0E, 0xFF, 0xFF, 0x00 })] // credential claims 65535 bytes
    [InlineData(new byte[] { 0x10, 0x0E, 0x00, 0x04, 0x10, 0x45, 0x00, 0x00 })] // no auth/encryption type
    [InlineData(new byte[] { 0x10, 0x4A, 0x00 })] // truncated TLV header
    public void Malformed_wsc_throws_typed(byte[] payload) =>
        Assert.Throws<NdefFormatException>(() => NdefWifiWsc.Decode(payload));

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 1, 2, 3, 4, 5, 6 })] // OOB length 65535 in 8 bytes
    [InlineData(new byte[] { 0x07, 0x00, 1, 2, 3, 4, 5, 6 })] // OOB length below 8
    [InlineData(new byte[] { 0x0A, 0x00, 1, 2, 3, 4, 5, 6, 0xFE, 0x09 })] // EIR claims 254 bytes
    [InlineData(new byte[] { 1, 2, 3 })]
    public void Malformed_bluetooth_oob_throws_typed(byte[] payload) =>
        Assert.Throws<NdefFormatException>(() => NdefBluetoothOob.DecodeEp(payload));

    [Theory]
    [InlineData(new byte[] { 0x12, 0xD1, 0x02, 0x05, 0x61, 0x63, 0x01, 0x01, 0x30, 0xC8, 0x01 })] // 200 aux refs in 1 byte
    [InlineData(new byte[] { 0x12, 0xD1, 0x02, 0x03, 0x61, 0x63, 0x01, 0x09, 0x30 })] // CDR longer than the record
    [InlineData(new byte[] { 0x12, 0xD1, 0x02, 0x01, 0x63, 0x72, 0x01 })] // cr of 1 byte
    [InlineData(new byte[] { })] // no version byte
    public void Malformed_handover_throws_typed(byte[] payload) =>
        Assert.Throws<NdefFormatException>(() => NdefHandover.Decode(new NdefRecord(NdefTnf.WellKnown, "Hr"u8.ToArray(), default, payload)));

    [Fact]
    public void Hr_12_without_collision_record_is_rejected() =>
        Assert.Throws<NdefFormatException>(() => NdefHandover.Decode(new NdefRecord(NdefTnf.WellKnown, "Hr"u8.ToArray(), default,
            new byte[] { 0x12, 0xD1, 0x02, 0x04, 0x61, 0x63, 0x01, 0x01, 0x30, 0x00 })));

    private static readonly Gen<NdefAlternativeCarrier> GenAc =
        Gen.Select(Gen.Int[0, 3], Gen.Byte.Array[1, 8], Gen.Byte.Array[0, 6].List[0, 3],
            (cps, cdr, aux) => new NdefAlternativeCarrier((NdefCarrierPowerState)cps, cdr) { AuxiliaryDataReferences = aux.Select(a => (ReadOnlyMemory<byte>)a).ToList() });

    [Fact]
    public void Property_handover_round_trips() =>
        Gen.Select(Gen.Bool, GenAc.List[1, 4], Gen.UShort).Sample((select, carriers, cr) =>
        {
            var h = new NdefHandover(select ? NdefHandoverKind.Select : NdefHandoverKind.Request, carriers) { CollisionResolution = select ? null : cr };
            var back = NdefHandover.Decode(NdefMessage.Parse(NdefMessage.Encode([h.ToRecord()]))[0]);
            Assert.Equal(h.Kind, back.Kind);
            Assert.Equal(h.CollisionResolution, back.CollisionResolution);
            Assert.Equal(carriers.Count, back.Carriers.Count);
            for (int i = 0; i < carriers.Count; i++)
            {
                Assert.Equal(carriers[i].PowerState, back.Carriers[i].PowerState);
                Assert.Equal(carriers[i].DataReference.ToArray(), back.Carriers[i].DataReference.ToArray());
                Assert.Equal(carriers[i].AuxiliaryDataReferences.Select(a => a.ToArray()), back.Carriers[i].AuxiliaryDataReferences.Select(a => a.ToArray()));
            }
        });

    [Fact]
    public void Property_bluetooth_and_wifi_round_trip() =>
        Gen.Select(Gen.ULong[0, 0xFFFF_FFFF_FFFF], Gen.Select(Gen.Byte, Gen.Byte.Array[0, 30], (t, d) => new BluetoothEirField(t, d)).List[0, 5],
            Gen.Byte.Array[1, 32], Gen.Byte.Array[0, 64]).Sample((addr, eir, ssid, key) =>
        {
            var (a, e) = NdefBluetoothOob.DecodeEp(NdefBluetoothOob.CreateEp(addr, eir).Payload.Span);
            Assert.Equal(addr, a);
            Assert.Equal(eir.Select(f => (f.Type, f.Data.ToArray())), e.Select(f => (f.Type, f.Data.ToArray())), new TupleComparer());
            var c = new WifiCredential(ssid, key, WscAuthenticationType.WpaPersonal | WscAuthenticationType.Wpa2Personal, WscEncryptionType.Tkip | WscEncryptionType.Aes) { MacAddress = addr };
            var w = Assert.Single(NdefWifiWsc.Decode(NdefWifiWsc.Create([c]).Payload.Span));
            Assert.Equal(ssid, w.Ssid.ToArray());
            Assert.Equal(key, w.NetworkKey.ToArray());
            Assert.Equal(c.Authentication, w.Authentication);
            Assert.Equal(c.Encryption, w.Encryption);
            Assert.Equal(addr, w.MacAddress);
        });

    [Fact]
    public void Mutation_of_handover_message_parses_or_throws_typed() =>
        Gen.Select(Gen.Int, Gen.Byte).Sample((at, value) =>
        {
            var bytes = (byte[])BluetoothSelect.Clone();
            bytes[(int)((uint)at % bytes.Length)] = value;
            try
            {
                var msg = NdefMessage.Parse(bytes);
                var hs = NdefHandover.Decode(msg[0]);
                foreach (var ac in hs.Carriers)
                    if (NdefHandover.FindCarrierRecord(msg, ac.DataReference.Span) is { } r) NdefBluetoothOob.DecodeEp(r.Payload.Span);
            }
            catch (NdefFormatException) { }
        });

    private sealed class TupleComparer : IEqualityComparer<(byte, byte[])>
    {
        public bool Equals((byte, byte[]) x, (byte, byte[]) y) => x.Item1 == y.Item1 && x.Item2.AsSpan().SequenceEqual(y.Item2);
        public int GetHashCode((byte, byte[]) obj) => obj.Item1;
    }
}
