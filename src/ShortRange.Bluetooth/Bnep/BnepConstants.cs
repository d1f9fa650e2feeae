namespace ShortRange.Bluetooth.Bnep;

/// <summary>
/// Constants of the Bluetooth Network Encapsulation Protocol, named as in the BNEP v1.0 specification
/// (section cited on each group) and the kernel's include/net/bluetooth/bnep.h (net/bluetooth/bnep/bnep.h).
/// </summary>
public static class BnepConstants
{
    /// <summary>L2CAP PSM of BNEP (Assigned Numbers; BNEP v1.0 §1.2: BNEP runs directly over L2CAP).</summary>
    public const ushort BNEP_PSM = 0x000F;

    /// <summary>Minimum L2CAP MTU a BNEP channel must support (BNEP v1.0 §1.2: 1691 octets = 1500 payload + headers + extensions).</summary>
    public const ushort BNEP_MTU = 1691;

    // BNEP v1.0 §2.4, "BNEP Type" field: bits 0-6 the packet type, bit 7 the extension flag (E).
    public const byte BNEP_GENERAL_ETHERNET = 0x00;
    public const byte BNEP_CONTROL = 0x01;
    public const byte BNEP_COMPRESSED_ETHERNET = 0x02;
    public const byte BNEP_COMPRESSED_ETHERNET_SOURCE_ONLY = 0x03;
    public const byte BNEP_COMPRESSED_ETHERNET_DEST_ONLY = 0x04;
    /// <summary>Mask of the packet type bits (the kernel's BNEP_TYPE_MASK).</summary>
    public const byte BNEP_TYPE_MASK = 0x7F;
    /// <summary>The E bit: one or more extension headers follow the BNEP header (the kernel's BNEP_EXT_HEADER).</summary>
    public const byte BNEP_EXTENSION_FLAG = 0x80;

    // BNEP v1.0 §2.6, "BNEP Control Type" values of BNEP_CONTROL packets.
    public const byte BNEP_CONTROL_COMMAND_NOT_UNDERSTOOD = 0x00;
    public const byte BNEP_SETUP_CONNECTION_REQUEST_MSG = 0x01;
    public const byte BNEP_SETUP_CONNECTION_RESPONSE_MSG = 0x02;
    public const byte BNEP_FILTER_NET_TYPE_SET_MSG = 0x03;
    public const byte BNEP_FILTER_NET_TYPE_RESPONSE_MSG = 0x04;
    public const byte BNEP_FILTER_MULTI_ADDR_SET_MSG = 0x05;
    public const byte BNEP_FILTER_MULTI_ADDR_RESPONSE_MSG = 0x06;

    /// <summary>Extension header type carrying a control message (BNEP v1.0 §3, BNEP_EXTENSION_CONTROL).</summary>
    public const byte BNEP_EXTENSION_CONTROL = 0x00;

    // PAN profile service class identifiers used as BNEP service UUIDs (Assigned Numbers, Service Class UUIDs).
    public const ushort PANU_UUID16 = 0x1115;
    public const ushort NAP_UUID16 = 0x1116;
    public const ushort GN_UUID16 = 0x1117;

    /// <summary>Header length after the type octet for each Ethernet packet type (BNEP v1.0 §2.5, §2.7-§2.9).</summary>
    public static int EthernetHeaderLength(byte packetType) => (packetType & BNEP_TYPE_MASK) switch
    {
        BNEP_GENERAL_ETHERNET => 14,                 // destination, source, networking protocol type
        BNEP_COMPRESSED_ETHERNET => 2,               // networking protocol type only
        BNEP_COMPRESSED_ETHERNET_SOURCE_ONLY => 8,   // source + protocol type
        BNEP_COMPRESSED_ETHERNET_DEST_ONLY => 8,     // destination + protocol type
        _ => -1,
    };
}
