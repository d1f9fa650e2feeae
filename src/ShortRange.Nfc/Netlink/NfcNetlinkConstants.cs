namespace ShortRange.Nfc.Netlink;

/// <summary>The "nfc" generic-netlink family (include/uapi/linux/nfc.h): names, commands, attributes.</summary>
public static class NfcNetlinkConstants
{
    /// <summary>NFC_GENL_NAME.</summary>
    public const string NFC_GENL_NAME = "nfc";

    /// <summary>NFC_GENL_VERSION.</summary>
    public const byte NFC_GENL_VERSION = 1;

    /// <summary>NFC_GENL_MCAST_EVENT_NAME.</summary>
    public const string NFC_GENL_MCAST_EVENT_NAME = "events";

    // enum nfc_commands (nfc.h)
    public const byte NFC_CMD_UNSPEC = 0, NFC_CMD_GET_DEVICE = 1, NFC_CMD_DEV_UP = 2, NFC_CMD_DEV_DOWN = 3,
        NFC_CMD_DEP_LINK_UP = 4, NFC_CMD_DEP_LINK_DOWN = 5, NFC_CMD_START_POLL = 6, NFC_CMD_STOP_POLL = 7,
        NFC_CMD_GET_TARGET = 8, NFC_EVENT_TARGETS_FOUND = 9, NFC_EVENT_DEVICE_ADDED = 10, NFC_EVENT_DEVICE_REMOVED = 11,
        NFC_EVENT_TARGET_LOST = 12, NFC_EVENT_TM_ACTIVATED = 13, NFC_EVENT_TM_DEACTIVATED = 14,
        NFC_CMD_LLC_GET_PARAMS = 15, NFC_CMD_LLC_SET_PARAMS = 16, NFC_CMD_ENABLE_SE = 17, NFC_CMD_DISABLE_SE = 18,
        NFC_CMD_LLC_SDREQ = 19, NFC_EVENT_LLC_SDRES = 20, NFC_CMD_FW_DOWNLOAD = 21, NFC_EVENT_SE_ADDED = 22,
        NFC_EVENT_SE_REMOVED = 23, NFC_EVENT_SE_CONNECTIVITY = 24, NFC_EVENT_SE_TRANSACTION = 25, NFC_CMD_GET_SE = 26,
        NFC_CMD_SE_IO = 27, NFC_CMD_ACTIVATE_TARGET = 28, NFC_CMD_VENDOR = 29, NFC_CMD_DEACTIVATE_TARGET = 30;

    // enum nfc_attrs (nfc.h)
    public const ushort NFC_ATTR_UNSPEC = 0, NFC_ATTR_DEVICE_INDEX = 1, NFC_ATTR_DEVICE_NAME = 2, NFC_ATTR_PROTOCOLS = 3,
        NFC_ATTR_TARGET_INDEX = 4, NFC_ATTR_TARGET_SENS_RES = 5, NFC_ATTR_TARGET_SEL_RES = 6, NFC_ATTR_TARGET_NFCID1 = 7,
        NFC_ATTR_TARGET_SENSB_RES = 8, NFC_ATTR_TARGET_SENSF_RES = 9, NFC_ATTR_COMM_MODE = 10, NFC_ATTR_RF_MODE = 11,
        NFC_ATTR_DEVICE_POWERED = 12, NFC_ATTR_IM_PROTOCOLS = 13, NFC_ATTR_TM_PROTOCOLS = 14, NFC_ATTR_LLC_PARAM_LTO = 15,
        NFC_ATTR_LLC_PARAM_RW = 16, NFC_ATTR_LLC_PARAM_MIUX = 17, NFC_ATTR_SE = 18, NFC_ATTR_LLC_SDP = 19,
        NFC_ATTR_FIRMWARE_NAME = 20, NFC_ATTR_SE_INDEX = 21, NFC_ATTR_SE_TYPE = 22, NFC_ATTR_SE_AID = 23,
        NFC_ATTR_FIRMWARE_DOWNLOAD_STATUS = 24, NFC_ATTR_SE_APDU = 25, NFC_ATTR_TARGET_ISO15693_DSFID = 26,
        NFC_ATTR_TARGET_ISO15693_UID = 27, NFC_ATTR_SE_PARAMS = 28, NFC_ATTR_VENDOR_ID = 29, NFC_ATTR_VENDOR_SUBCMD = 30,
        NFC_ATTR_VENDOR_DATA = 31;

    // enum nfc_sdp_attr (nfc.h)
    public const ushort NFC_SDP_ATTR_URI = 1, NFC_SDP_ATTR_SAP = 2;

    // Sizes (nfc.h)
    public const int NFC_DEVICE_NAME_MAXSIZE = 8, NFC_NFCID1_MAXSIZE = 10, NFC_SENSB_RES_MAXSIZE = 12,
        NFC_SENSF_RES_MAXSIZE = 18, NFC_ISO15693_UID_MAXSIZE = 8, NFC_FIRMWARE_NAME_MAXSIZE = 32;

    /// <summary>LLCP_MAX_RW (net/nfc/llcp.h): the largest receive window NFC_CMD_LLC_SET_PARAMS accepts.</summary>
    public const byte LLCP_MAX_RW = 15;

    /// <summary>LLCP_MAX_MIUX (net/nfc/llcp.h): the largest MIUX NFC_CMD_LLC_SET_PARAMS accepts.</summary>
    public const ushort LLCP_MAX_MIUX = 0x7FF;
}
