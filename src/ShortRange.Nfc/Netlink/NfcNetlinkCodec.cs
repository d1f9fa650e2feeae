using System.Globalization;
using ShortRange.Linux.Netlink;
using ShortRange.Nfc.Errors;
using static ShortRange.Nfc.Netlink.NfcNetlinkConstants;

namespace ShortRange.Nfc.Netlink;

/// <summary>
/// Decodes the "nfc" family's replies and events from their attributes (the bytes after genlmsghdr). Pure: no I/O.
/// Missing mandatory attributes and over-long identifiers throw <see cref="NfcNetlinkFormatException"/>;
/// short attribute payloads throw <see cref="NetlinkFormatException"/>.
/// </summary>
public static class NfcNetlinkCodec
{
    /// <summary>NFC_CMD_GET_DEVICE reply or NFC_EVENT_DEVICE_ADDED (nfc_genl_setup_device_added).</summary>
    public static NfcDeviceInfo ParseDevice(ReadOnlySpan<byte> attributes)
    {
        uint? index = null;
        string? name = null;
        uint protocols = 0;
        bool powered = false;
        var rf = NfcRfMode.None;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case NFC_ATTR_DEVICE_INDEX: index = a.GetUInt32(); break;
                case NFC_ATTR_DEVICE_NAME: name = a.GetString(); break;
                case NFC_ATTR_PROTOCOLS: protocols = a.GetUInt32(); break;
                case NFC_ATTR_DEVICE_POWERED: powered = a.GetByte() != 0; break;
                case NFC_ATTR_RF_MODE: rf = (NfcRfMode)a.GetByte(); break;
            }
        }
        if (index is null) throw Missing("device", nameof(NFC_ATTR_DEVICE_INDEX));
        return new NfcDeviceInfo(index.Value, name ?? DeviceName(index.Value), (NfcProtocols)protocols, powered, rf);
    }

    /// <summary>One NFC_CMD_GET_TARGET dump entry (nfc_genl_send_target).</summary>
    public static NfcTargetInfo ParseTarget(ReadOnlySpan<byte> attributes)
    {
        uint? index = null;
        uint protocols = 0;
        ushort sensRes = 0;
        byte selRes = 0;
        byte[] nfcid1 = [], sensb = [], sensf = [], uid = [];
        byte? dsfid = null;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case NFC_ATTR_TARGET_INDEX: index = a.GetUInt32(); break;
                case NFC_ATTR_PROTOCOLS: protocols = a.GetUInt32(); break;
                case NFC_ATTR_TARGET_SENS_RES: sensRes = a.GetUInt16(); break;
                case NFC_ATTR_TARGET_SEL_RES: selRes = a.GetByte(); break;
                case NFC_ATTR_TARGET_NFCID1: nfcid1 = Bounded(a.Payload, NFC_NFCID1_MAXSIZE, "NFCID1"); break;
                case NFC_ATTR_TARGET_SENSB_RES: sensb = Bounded(a.Payload, NFC_SENSB_RES_MAXSIZE, "SENSB_RES"); break;
                case NFC_ATTR_TARGET_SENSF_RES: sensf = Bounded(a.Payload, NFC_SENSF_RES_MAXSIZE, "SENSF_RES"); break;
                case NFC_ATTR_TARGET_ISO15693_DSFID: dsfid = a.GetByte(); break;
                case NFC_ATTR_TARGET_ISO15693_UID: uid = Bounded(a.Payload, NFC_ISO15693_UID_MAXSIZE, "ISO15693 UID"); break;
            }
        }
        if (index is null) throw Missing("target", nameof(NFC_ATTR_TARGET_INDEX));
        return new NfcTargetInfo(index.Value, (NfcProtocols)protocols, sensRes, selRes, nfcid1, sensb, sensf, dsfid, uid);
    }

    /// <summary>NFC_CMD_LLC_GET_PARAMS reply (nfc_genl_send_params).</summary>
    public static NfcLlcParameters ParseLlcParameters(ReadOnlySpan<byte> attributes)
    {
        byte? lto = null, rw = null;
        ushort? miux = null;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case NFC_ATTR_LLC_PARAM_LTO: lto = a.GetByte(); break;
                case NFC_ATTR_LLC_PARAM_RW: rw = a.GetByte(); break;
                case NFC_ATTR_LLC_PARAM_MIUX: miux = a.GetUInt16(); break;
            }
        }
        if (lto is null || rw is null || miux is null) throw Missing("LLC parameters", "NFC_ATTR_LLC_PARAM_LTO/RW/MIUX");
        return new NfcLlcParameters(lto.Value, rw.Value, miux.Value);
    }

    /// <summary>One NFC_CMD_GET_SE dump entry (nfc_genl_send_se).</summary>
    public static NfcSecureElement ParseSecureElement(ReadOnlySpan<byte> attributes)
    {
        uint? dev = null, se = null;
        byte type = 0;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case NFC_ATTR_DEVICE_INDEX: dev = a.GetUInt32(); break;
                case NFC_ATTR_SE_INDEX: se = a.GetUInt32(); break;
                case NFC_ATTR_SE_TYPE: type = a.GetByte(); break;
            }
        }
        if (dev is null || se is null) throw Missing("secure element", "NFC_ATTR_DEVICE_INDEX/NFC_ATTR_SE_INDEX");
        return new NfcSecureElement(dev.Value, se.Value, (NfcSecureElementType)type);
    }

    /// <summary>
    /// Decodes one multicast notification; returns null for commands that are not events of this SDK
    /// (firmware download, SE I/O, vendor).
    /// </summary>
    public static NfcEvent? ParseEvent(byte command, ReadOnlySpan<byte> attributes)
    {
        switch (command)
        {
            case NFC_EVENT_DEVICE_ADDED:
                return new NfcDeviceAddedEvent(ParseDevice(attributes));
            case NFC_EVENT_DEVICE_REMOVED:
                return new NfcDeviceRemovedEvent(RequireDevice(attributes, "DEVICE_REMOVED"));
            case NFC_EVENT_TARGETS_FOUND:
                return new NfcTargetsFoundEvent(RequireDevice(attributes, "TARGETS_FOUND"));
            case NFC_EVENT_TM_DEACTIVATED:
                return new NfcTargetModeDeactivatedEvent(RequireDevice(attributes, "TM_DEACTIVATED"));
            case NFC_CMD_DEP_LINK_DOWN:
                return new NfcDepLinkDownEvent(RequireDevice(attributes, "DEP_LINK_DOWN"));
            case NFC_EVENT_TM_ACTIVATED:
                return new NfcTargetModeActivatedEvent(RequireDevice(attributes, "TM_ACTIVATED"),
                    (NfcProtocols)(FindUInt32(attributes, NFC_ATTR_TM_PROTOCOLS) ?? 0));
            case NFC_EVENT_TARGET_LOST:
                return ParseTargetLost(attributes);
            case NFC_CMD_DEP_LINK_UP:
                return ParseDepLinkUp(attributes);
            case NFC_EVENT_LLC_SDRES:
                return ParseSdres(attributes);
            case NFC_EVENT_SE_ADDED:
            case NFC_EVENT_SE_CONNECTIVITY:
            case NFC_EVENT_SE_REMOVED:
            case NFC_EVENT_SE_TRANSACTION:
                return ParseSeEvent(command, attributes);
            default:
                return null;
        }
    }

    private static NfcTargetLostEvent ParseTargetLost(ReadOnlySpan<byte> attributes)
    {
        string? name = null;
        uint? target = null;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            if (a.Type == NFC_ATTR_DEVICE_NAME) name = a.GetString();
            else if (a.Type == NFC_ATTR_TARGET_INDEX) target = a.GetUInt32();
        }
        if (name is null || target is null) throw Missing("TARGET_LOST", "NFC_ATTR_DEVICE_NAME/NFC_ATTR_TARGET_INDEX");
        if (!TryParseDeviceName(name, out uint index))
            throw new NfcNetlinkFormatException($"TARGET_LOST names device '{name}', not nfcN");
        return new NfcTargetLostEvent(index, target.Value);
    }

    private static NfcDepLinkUpEvent ParseDepLinkUp(ReadOnlySpan<byte> attributes)
    {
        uint? dev = null, target = null;
        byte comm = 0, rf = (byte)NfcRfMode.None;
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case NFC_ATTR_DEVICE_INDEX: dev = a.GetUInt32(); break;
                case NFC_ATTR_TARGET_INDEX: target = a.GetUInt32(); break;
                case NFC_ATTR_COMM_MODE: comm = a.GetByte(); break;
                case NFC_ATTR_RF_MODE: rf = a.GetByte(); break;
            }
        }
        if (dev is null) throw Missing("DEP_LINK_UP", nameof(NFC_ATTR_DEVICE_INDEX));
        return new NfcDepLinkUpEvent(dev.Value, target, (NfcCommMode)comm, (NfcRfMode)rf);
    }

    private static NfcServiceDiscoveryEvent ParseSdres(ReadOnlySpan<byte> attributes)
    {
        uint? dev = null;
        var services = new List<NfcServiceEntry>();
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            if (a.Type == NFC_ATTR_DEVICE_INDEX) dev = a.GetUInt32();
            else if (a.Type == NFC_ATTR_LLC_SDP)
            {
                // NFC_ATTR_LLC_SDP nests one attribute per answer (types 1, 2, …), each nesting URI and SAP.
                foreach (var entry in a.GetNested())
                {
                    string? uri = null;
                    byte? sap = null;
                    foreach (var f in entry.GetNested())
                    {
                        if (f.Type == NFC_SDP_ATTR_URI) uri = f.GetString();
                        else if (f.Type == NFC_SDP_ATTR_SAP) sap = f.GetByte();
                    }
                    if (uri is null || sap is null) throw Missing("LLC_SDRES entry", "NFC_SDP_ATTR_URI/NFC_SDP_ATTR_SAP");
                    services.Add(new NfcServiceEntry(uri, sap.Value));
                }
            }
        }
        if (dev is null) throw Missing("LLC_SDRES", nameof(NFC_ATTR_DEVICE_INDEX));
        return new NfcServiceDiscoveryEvent(dev.Value, services);
    }

    private static NfcEvent ParseSeEvent(byte command, ReadOnlySpan<byte> attributes)
    {
        uint? dev = null, se = null;
        byte type = 0;
        byte[] aid = [], parameters = [];
        foreach (var a in new NetlinkAttributeReader(attributes))
        {
            switch (a.Type)
            {
                case NFC_ATTR_DEVICE_INDEX: dev = a.GetUInt32(); break;
                case NFC_ATTR_SE_INDEX: se = a.GetUInt32(); break;
                case NFC_ATTR_SE_TYPE: type = a.GetByte(); break;
                case NFC_ATTR_SE_AID: aid = Bounded(a.Payload, 16, "SE AID"); break; // ISO 7816-5: AIDs are 5–16 bytes
                case NFC_ATTR_SE_PARAMS: parameters = a.Payload.ToArray(); break; // bounded by the netlink message
            }
        }
        if (dev is null || se is null) throw Missing("secure-element event", "NFC_ATTR_DEVICE_INDEX/NFC_ATTR_SE_INDEX");
        var t = (NfcSecureElementType)type;
        return command switch
        {
            NFC_EVENT_SE_ADDED => new NfcSecureElementAddedEvent(dev.Value, se.Value, t),
            NFC_EVENT_SE_REMOVED => new NfcSecureElementRemovedEvent(dev.Value, se.Value),
            NFC_EVENT_SE_CONNECTIVITY => new NfcSecureElementConnectivityEvent(dev.Value, se.Value, t),
            _ => new NfcSecureElementTransactionEvent(dev.Value, se.Value, t, aid, parameters),
        };
    }

    /// <summary>"nfc0" → 0 (the kernel names devices "nfc%d" after their index, net/nfc/core.c).</summary>
    public static bool TryParseDeviceName(string name, out uint index)
    {
        index = 0;
        return name is not null && name.StartsWith("nfc", StringComparison.Ordinal) && name.Length > 3
            && uint.TryParse(name.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>0 → "nfc0".</summary>
    public static string DeviceName(uint index) => "nfc" + index.ToString(CultureInfo.InvariantCulture);

    private static uint RequireDevice(ReadOnlySpan<byte> attributes, string what) =>
        FindUInt32(attributes, NFC_ATTR_DEVICE_INDEX) ?? throw Missing(what, nameof(NFC_ATTR_DEVICE_INDEX));

    private static uint? FindUInt32(ReadOnlySpan<byte> attributes, ushort type)
    {
        foreach (var a in new NetlinkAttributeReader(attributes))
            if (a.Type == type) return a.GetUInt32();
        return null;
    }

    private static byte[] Bounded(ReadOnlySpan<byte> payload, int max, string what) =>
        payload.Length <= max ? payload.ToArray()
        : throw new NfcNetlinkFormatException($"{what} of {payload.Length} bytes exceeds the kernel's maximum of {max}");

    private static NfcNetlinkFormatException Missing(string what, string attribute) => new($"{what} message lacks {attribute}");
}
