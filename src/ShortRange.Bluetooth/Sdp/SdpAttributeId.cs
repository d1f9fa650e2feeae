namespace ShortRange.Bluetooth.Sdp;

/// <summary>Universal attribute IDs (Core spec Vol 3 Part B §5.1; Assigned Numbers "SDP attribute IDs").</summary>
public static class SdpAttributeId
{
    public const ushort ServiceRecordHandle = 0x0000;
    public const ushort ServiceClassIDList = 0x0001;
    public const ushort ServiceRecordState = 0x0002;
    public const ushort ServiceID = 0x0003;
    public const ushort ProtocolDescriptorList = 0x0004;
    public const ushort BrowseGroupList = 0x0005;
    public const ushort LanguageBaseAttributeIDList = 0x0006;
    public const ushort ServiceInfoTimeToLive = 0x0007;
    public const ushort ServiceAvailability = 0x0008;
    public const ushort BluetoothProfileDescriptorList = 0x0009;
    public const ushort DocumentationURL = 0x000A;
    public const ushort ClientExecutableURL = 0x000B;
    public const ushort IconURL = 0x000C;
    public const ushort AdditionalProtocolDescriptorLists = 0x000D;

    /// <summary>Offsets from the language base (0x0100 for the primary language, §5.1.15).</summary>
    public const ushort ServiceNameOffset = 0x0000, ServiceDescriptionOffset = 0x0001, ProviderNameOffset = 0x0002;

    /// <summary>The primary language's base attribute ID (§5.1.15: "The primary language … 0x0100").</summary>
    public const ushort PrimaryLanguageBase = 0x0100;
}
