namespace ShortRange.Bluetooth.Mgmt;

/// <summary>mgmt event codes (BlueZ doc/mgmt-api.txt; MGMT_EV_* in lib/mgmt.h).</summary>
public static class MgmtEventCode
{
    public const ushort MGMT_EV_CMD_COMPLETE = 0x0001;
    public const ushort MGMT_EV_CMD_STATUS = 0x0002;
    public const ushort MGMT_EV_CONTROLLER_ERROR = 0x0003;
    public const ushort MGMT_EV_INDEX_ADDED = 0x0004;
    public const ushort MGMT_EV_INDEX_REMOVED = 0x0005;
    public const ushort MGMT_EV_NEW_SETTINGS = 0x0006;
    public const ushort MGMT_EV_CLASS_OF_DEV_CHANGED = 0x0007;
    public const ushort MGMT_EV_LOCAL_NAME_CHANGED = 0x0008;
    public const ushort MGMT_EV_NEW_LINK_KEY = 0x0009;
    public const ushort MGMT_EV_NEW_LONG_TERM_KEY = 0x000A;
    public const ushort MGMT_EV_DEVICE_CONNECTED = 0x000B;
    public const ushort MGMT_EV_DEVICE_DISCONNECTED = 0x000C;
    public const ushort MGMT_EV_CONNECT_FAILED = 0x000D;
    public const ushort MGMT_EV_PIN_CODE_REQUEST = 0x000E;
    public const ushort MGMT_EV_USER_CONFIRM_REQUEST = 0x000F;
    public const ushort MGMT_EV_USER_PASSKEY_REQUEST = 0x0010;
    public const ushort MGMT_EV_AUTH_FAILED = 0x0011;
    public const ushort MGMT_EV_DEVICE_FOUND = 0x0012;
    public const ushort MGMT_EV_DISCOVERING = 0x0013;
    public const ushort MGMT_EV_DEVICE_UNPAIRED = 0x0016;
    public const ushort MGMT_EV_PASSKEY_NOTIFY = 0x0017;
    public const ushort MGMT_EV_NEW_IRK = 0x0018;
}
