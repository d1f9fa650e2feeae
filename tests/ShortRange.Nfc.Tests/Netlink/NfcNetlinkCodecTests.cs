using ShortRange.Linux.Netlink;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Netlink;
using static ShortRange.Nfc.Netlink.NfcNetlinkConstants;

namespace ShortRange.Nfc.Tests.Netlink;

/// <summary>Attribute layouts as net/nfc/netlink.c writes them, decoded by <see cref="NfcNetlinkCodec"/>.</summary>
public class NfcNetlinkCodecTests
{
    private static byte[] Attrs(Action<NetlinkAttributeWriter> write)
    {
        var w = new NetlinkAttributeWriter();
        write(w);
        return w.ToArray();
    }

    [Fact]
    public void Device_from_get_device_reply()
    {
        var d = NfcNetlinkCodec.ParseDevice(Attrs(w => w.WriteString(NFC_ATTR_DEVICE_NAME, "nfc1").WriteUInt32(NFC_ATTR_DEVICE_INDEX, 1)
            .WriteUInt32(NFC_ATTR_PROTOCOLS, 1u << 5).WriteByte(NFC_ATTR_DEVICE_POWERED, 1).WriteByte(NFC_ATTR_RF_MODE, 2)));
        Assert.Equal(new NfcDeviceInfo(1, "nfc1", NfcProtocols.NfcDep, true, NfcRfMode.None), d);
    }

    [Fact]
    public void Device_without_index_is_a_typed_error()
    {
        var e = Assert.Throws<NfcNetlinkFormatException>(() => NfcNetlinkCodec.ParseDevice(Attrs(w => w.WriteString(NFC_ATTR_DEVICE_NAME, "nfc0"))));
        Assert.Contains("NFC_ATTR_DEVICE_INDEX", e.Message);
    }

    [Fact]
    public void Target_with_nfc_a_fields_and_identifier()
    {
        var t = NfcNetlinkCodec.ParseTarget(Attrs(w => w.WriteUInt32(NFC_ATTR_TARGET_INDEX, 3).WriteUInt32(NFC_ATTR_PROTOCOLS, (uint)(NfcProtocols.NfcDep | NfcProtocols.Mifare))
            .WriteUInt16(NFC_ATTR_TARGET_SENS_RES, 0x0044).WriteByte(NFC_ATTR_TARGET_SEL_RES, 0x40)
            .Write(NFC_ATTR_TARGET_NFCID1, new byte[] { 1, 2, 3, 4, 5, 6, 7 })));
        Assert.Equal(3u, t.Index);
        Assert.Equal(NfcProtocols.NfcDep | NfcProtocols.Mifare, t.Protocols);
        Assert.Equal(0x0044, t.SensRes);
        Assert.Equal(0x40, t.SelRes);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, t.Identifier);
        Assert.Null(t.Iso15693Dsfid);
    }

    [Fact]
    public void Nfc_f_target_is_identified_by_its_nfcid2()
    {
        var sensf = new byte[] { 0x01, 0x01, 0xFE, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0, 0, 0, 0, 0, 0, 0, 0 };
        var t = NfcNetlinkCodec.ParseTarget(Attrs(w => w.WriteUInt32(NFC_ATTR_TARGET_INDEX, 1).Write(NFC_ATTR_TARGET_SENSF_RES, sensf)));
        Assert.Equal(sensf[1..9], t.Identifier);
    }

    [Theory]
    [InlineData(NFC_ATTR_TARGET_NFCID1, 11)]
    [InlineData(NFC_ATTR_TARGET_SENSB_RES, 13)]
    [InlineData(NFC_ATTR_TARGET_SENSF_RES, 19)]
    [InlineData(NFC_ATTR_TARGET_ISO15693_UID, 9)]
    public void Over_long_identifiers_are_rejected(ushort attribute, int length)
    {
        Assert.Throws<NfcNetlinkFormatException>(() =>
            NfcNetlinkCodec.ParseTarget(Attrs(w => w.WriteUInt32(NFC_ATTR_TARGET_INDEX, 1).Write(attribute, new byte[length]))));
    }

    [Fact]
    public void Short_attribute_payload_is_a_netlink_format_error()
    {
        Assert.Throws<NetlinkFormatException>(() =>
            NfcNetlinkCodec.ParseTarget(Attrs(w => w.Write(NFC_ATTR_TARGET_INDEX, new byte[] { 1, 0 }))));
    }

    [Fact]
    public void Llc_parameters()
    {
        var p = NfcNetlinkCodec.ParseLlcParameters(Attrs(w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 0).WriteByte(NFC_ATTR_LLC_PARAM_LTO, 150)
            .WriteByte(NFC_ATTR_LLC_PARAM_RW, 15).WriteUInt16(NFC_ATTR_LLC_PARAM_MIUX, 2047)));
        Assert.Equal(new NfcLlcParameters(150, 15, 2047), p);
        Assert.Equal(2175, p.Miu);
    }

    [Fact]
    public void Dep_link_up_event_on_initiator_and_target()
    {
        var init = NfcNetlinkCodec.ParseEvent(NFC_CMD_DEP_LINK_UP, Attrs(w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 0)
            .WriteUInt32(NFC_ATTR_TARGET_INDEX, 2).WriteByte(NFC_ATTR_COMM_MODE, 1).WriteByte(NFC_ATTR_RF_MODE, 0)));
        Assert.Equal(new NfcDepLinkUpEvent(0, 2, NfcCommMode.Passive, NfcRfMode.Initiator), init);
        var target = NfcNetlinkCodec.ParseEvent(NFC_CMD_DEP_LINK_UP, Attrs(w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 1)
            .WriteByte(NFC_ATTR_COMM_MODE, 0).WriteByte(NFC_ATTR_RF_MODE, 1)));
        Assert.Equal(new NfcDepLinkUpEvent(1, null, NfcCommMode.Active, NfcRfMode.Target), target);
    }

    [Fact]
    public void Simple_events()
    {
        byte[] dev1 = Attrs(w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 1));
        Assert.Equal(new NfcTargetsFoundEvent(1), NfcNetlinkCodec.ParseEvent(NFC_EVENT_TARGETS_FOUND, dev1));
        Assert.Equal(new NfcDeviceRemovedEvent(1), NfcNetlinkCodec.ParseEvent(NFC_EVENT_DEVICE_REMOVED, dev1));
        Assert.Equal(new NfcTargetModeDeactivatedEvent(1), NfcNetlinkCodec.ParseEvent(NFC_EVENT_TM_DEACTIVATED, dev1));
        Assert.Equal(new NfcDepLinkDownEvent(1), NfcNetlinkCodec.ParseEvent(NFC_CMD_DEP_LINK_DOWN, dev1));
        Assert.Equal(new NfcTargetModeActivatedEvent(1, NfcProtocols.NfcDep),
            NfcNetlinkCodec.ParseEvent(NFC_EVENT_TM_ACTIVATED, Attrs(w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 1).WriteUInt32(NFC_ATTR_TM_PROTOCOLS, 1u << 5))));
        Assert.Equal(new NfcDeviceAddedEvent(new NfcDeviceInfo(2, "nfc2", NfcProtocols.NfcDep, false, NfcRfMode.None)),
            NfcNetlinkCodec.ParseEvent(NFC_EVENT_DEVICE_ADDED, Attrs(w => w.WriteString(NFC_ATTR_DEVICE_NAME, "nfc2")
                .WriteUInt32(NFC_ATTR_DEVICE_INDEX, 2).WriteUInt32(NFC_ATTR_PROTOCOLS, 1u << 5).WriteByte(NFC_ATTR_DEVICE_POWERED, 0).WriteByte(NFC_ATTR_RF_MODE, 2))));
        Assert.Null(NfcNetlinkCodec.ParseEvent(NFC_CMD_FW_DOWNLOAD, dev1));
    }

    [Fact]
    public void Target_lost_names_the_device_and_the_index_is_parsed()
    {
        Assert.Equal(new NfcTargetLostEvent(12, 5), NfcNetlinkCodec.ParseEvent(NFC_EVENT_TARGET_LOST,
            Attrs(w => w.WriteString(NFC_ATTR_DEVICE_NAME, "nfc12").WriteUInt32(NFC_ATTR_TARGET_INDEX, 5))));
        Assert.Throws<NfcNetlinkFormatException>(() => NfcNetlinkCodec.ParseEvent(NFC_EVENT_TARGET_LOST,
            Attrs(w => w.WriteString(NFC_ATTR_DEVICE_NAME, "wlan0").WriteUInt32(NFC_ATTR_TARGET_INDEX, 5))));
    }

    [Fact]
    public void Sdres_event_with_nested_answers()
    {
        var attrs = Attrs(w =>
        {
            w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 0);
            int sdp = w.BeginNested(NFC_ATTR_LLC_SDP);
            int e1 = w.BeginNested(1);
            w.WriteByte(NFC_SDP_ATTR_SAP, 4).WriteString(NFC_SDP_ATTR_URI, "urn:nfc:sn:snep");
            w.EndNested(e1);
            int e2 = w.BeginNested(2);
            w.WriteByte(NFC_SDP_ATTR_SAP, 0).WriteString(NFC_SDP_ATTR_URI, "urn:nfc:xsn:none");
            w.EndNested(e2);
            w.EndNested(sdp);
        });
        var e = Assert.IsType<NfcServiceDiscoveryEvent>(NfcNetlinkCodec.ParseEvent(NFC_EVENT_LLC_SDRES, attrs));
        Assert.Equal(new NfcServiceDiscoveryEvent(0, [new("urn:nfc:sn:snep", 4), new("urn:nfc:xsn:none", 0)]), e);
    }

    [Fact]
    public void Se_transaction_event()
    {
        var e = NfcNetlinkCodec.ParseEvent(NFC_EVENT_SE_TRANSACTION, Attrs(w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 0).WriteUInt32(NFC_ATTR_SE_INDEX, 2)
            .WriteByte(NFC_ATTR_SE_TYPE, 1).Write(NFC_ATTR_SE_AID, new byte[] { 0xA0, 0, 0, 0, 3 }).Write(NFC_ATTR_SE_PARAMS, new byte[] { 7 })));
        var t = Assert.IsType<NfcSecureElementTransactionEvent>(e);
        Assert.Equal((0u, 2u, NfcSecureElementType.Uicc), (t.DeviceIndex, t.SecureElementIndex, t.Type));
        Assert.Equal(new byte[] { 0xA0, 0, 0, 0, 3 }, t.Aid);
        Assert.Equal(new byte[] { 7 }, t.Parameters);
        Assert.Equal(new NfcSecureElementAddedEvent(0, 2, NfcSecureElementType.Embedded), NfcNetlinkCodec.ParseEvent(NFC_EVENT_SE_ADDED,
            Attrs(w => w.WriteUInt32(NFC_ATTR_DEVICE_INDEX, 0).WriteUInt32(NFC_ATTR_SE_INDEX, 2).WriteByte(NFC_ATTR_SE_TYPE, 2))));
    }

    [Fact]
    public void Protocol_masks_follow_the_header()
    {
        Assert.Equal(0x20u, (uint)NfcProtocol.NfcDep.ToMask()); // NFC_PROTO_NFC_DEP_MASK = 1 << 5
        Assert.Equal([NfcProtocol.Mifare, NfcProtocol.NfcDep], (NfcProtocols.NfcDep | NfcProtocols.Mifare).Members());
        Assert.True(NfcNetlinkCodec.TryParseDeviceName("nfc0", out uint i) && i == 0);
        Assert.False(NfcNetlinkCodec.TryParseDeviceName("nfc", out _));
        Assert.Equal("nfc7", NfcNetlinkCodec.DeviceName(7));
    }
}
