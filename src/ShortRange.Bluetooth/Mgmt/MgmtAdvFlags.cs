namespace ShortRange.Bluetooth.Mgmt;

/// <summary>
/// Flags of Add Advertising (0x003E) and Add Extended Advertising Parameters (0x0054), bit numbers from BlueZ
/// doc/mgmt-api.txt (names as in lib/mgmt.h). Bits 12–16 say which optional parameter fields the caller set; the
/// kernel fills the others with its defaults.
/// </summary>
public static class MgmtAdvFlags
{
    public const uint MGMT_ADV_FLAG_CONNECTABLE = 1u << 0;
    public const uint MGMT_ADV_FLAG_DISCOV = 1u << 1;
    public const uint MGMT_ADV_FLAG_LIMITED_DISCOV = 1u << 2;
    public const uint MGMT_ADV_FLAG_MANAGED_FLAGS = 1u << 3;
    public const uint MGMT_ADV_FLAG_TX_POWER = 1u << 4;
    public const uint MGMT_ADV_FLAG_APPEARANCE = 1u << 5;
    public const uint MGMT_ADV_FLAG_LOCAL_NAME = 1u << 6;
    public const uint MGMT_ADV_FLAG_SEC_1M = 1u << 7;
    public const uint MGMT_ADV_FLAG_SEC_2M = 1u << 8;
    public const uint MGMT_ADV_FLAG_SEC_CODED = 1u << 9;
    /// <summary>Read Advertising Features only: the controller can be asked for a TX power.</summary>
    public const uint MGMT_ADV_FLAG_CAN_SET_TX_POWER = 1u << 10;
    public const uint MGMT_ADV_FLAG_HW_OFFLOAD = 1u << 11;
    public const uint MGMT_ADV_PARAM_DURATION = 1u << 12;
    public const uint MGMT_ADV_PARAM_TIMEOUT = 1u << 13;
    public const uint MGMT_ADV_PARAM_INTERVALS = 1u << 14;
    public const uint MGMT_ADV_PARAM_TX_POWER = 1u << 15;
    /// <summary>The Add Extended Advertising Data that follows carries a scan response (a scannable PDU type).</summary>
    public const uint MGMT_ADV_PARAM_SCAN_RSP = 1u << 16;
}
