namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// Records for the services ShortRange publishes: Serial Port (SPP 1.2) over RFCOMM and the PAN roles over BNEP
/// (PAN 1.0 §8). Attribute layouts follow the profile specifications' SDP tables.
/// </summary>
public static class SdpRecords
{
    private static SdpElement Uuid16(ushort v) => SdpElement.Uuid16(v);

    private static KeyValuePair<ushort, SdpElement> A(ushort id, SdpElement v) => new(id, v);

    private static SdpElement LanguageBase() => SdpElement.Sequence(
        SdpElement.UInt16(0x656E), SdpElement.UInt16(0x006A), SdpElement.UInt16(SdpAttributeId.PrimaryLanguageBase)); // "en", UTF-8 (MIBenum 106)

    /// <summary>SPP (Serial Port Profile 1.2 §6.1): class 0x1101, L2CAP → RFCOMM channel, profile 0x1101 v1.2, a service name.</summary>
    public static SdpRecord SerialPort(uint handle, byte channel, string name = "Serial Port")
    {
        if (channel is < 1 or > 30) throw new ArgumentOutOfRangeException(nameof(channel), "RFCOMM server channels are 1–30");
        return new([
            A(SdpAttributeId.ServiceRecordHandle, SdpElement.UInt32(handle)),
            A(SdpAttributeId.ServiceClassIDList, SdpElement.Sequence(Uuid16(SdpUuid.SerialPort))),
            A(SdpAttributeId.ProtocolDescriptorList, SdpElement.Sequence(
                SdpElement.Sequence(Uuid16(SdpUuid.L2CAP)),
                SdpElement.Sequence(Uuid16(SdpUuid.RFCOMM), SdpElement.UInt8(channel)))),
            A(SdpAttributeId.BrowseGroupList, SdpElement.Sequence(Uuid16(SdpUuid.PublicBrowseRoot))),
            A(SdpAttributeId.LanguageBaseAttributeIDList, LanguageBase()),
            A(SdpAttributeId.BluetoothProfileDescriptorList, SdpElement.Sequence(SdpElement.Sequence(Uuid16(SdpUuid.SerialPort), SdpElement.UInt16(0x0102)))),
            A(SdpAttributeId.PrimaryLanguageBase, SdpElement.Text(name)),
        ]);
    }

    /// <summary>
    /// A PAN role (PAN 1.0 §8.1–8.3): class PANU 0x1115 / NAP 0x1116 / GN 0x1117, L2CAP PSM 0x000F → BNEP 1.0 with the
    /// supported network packet types (IPv4 0x0800, ARP 0x0806, IPv6 0x86DD), profile v1.0, a service name.
    /// </summary>
    public static SdpRecord Pan(uint handle, ushort roleUuid, string? name = null)
    {
        if (roleUuid is not (SdpUuid.PANU or SdpUuid.NAP or SdpUuid.GN)) throw new ArgumentOutOfRangeException(nameof(roleUuid), "PANU, NAP or GN");
        name ??= roleUuid switch { SdpUuid.PANU => "PAN User", SdpUuid.NAP => "Network Access Point", _ => "Group Ad-hoc Network" };
        return new([
            A(SdpAttributeId.ServiceRecordHandle, SdpElement.UInt32(handle)),
            A(SdpAttributeId.ServiceClassIDList, SdpElement.Sequence(Uuid16(roleUuid))),
            A(SdpAttributeId.ProtocolDescriptorList, SdpElement.Sequence(
                SdpElement.Sequence(Uuid16(SdpUuid.L2CAP), SdpElement.UInt16(SdpUuid.BNEP)),
                SdpElement.Sequence(Uuid16(SdpUuid.BNEP), SdpElement.UInt16(0x0100),
                    SdpElement.Sequence(SdpElement.UInt16(0x0800), SdpElement.UInt16(0x0806), SdpElement.UInt16(0x86DD))))),
            A(SdpAttributeId.BrowseGroupList, SdpElement.Sequence(Uuid16(SdpUuid.PublicBrowseRoot))),
            A(SdpAttributeId.LanguageBaseAttributeIDList, LanguageBase()),
            A(SdpAttributeId.BluetoothProfileDescriptorList, SdpElement.Sequence(SdpElement.Sequence(Uuid16(roleUuid), SdpElement.UInt16(0x0100)))),
            A(SdpAttributeId.PrimaryLanguageBase, SdpElement.Text(name)),
        ]);
    }
}
