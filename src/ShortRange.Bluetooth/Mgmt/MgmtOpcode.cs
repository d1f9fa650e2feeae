using System.Globalization;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>mgmt command codes (BlueZ doc/mgmt-api.txt; MGMT_OP_* in lib/mgmt.h).</summary>
public static class MgmtOpcode
{
    public const ushort MGMT_OP_READ_VERSION = 0x0001;
    public const ushort MGMT_OP_READ_COMMANDS = 0x0002;
    public const ushort MGMT_OP_READ_INDEX_LIST = 0x0003;
    public const ushort MGMT_OP_READ_INFO = 0x0004;
    public const ushort MGMT_OP_SET_POWERED = 0x0005;
    public const ushort MGMT_OP_SET_DISCOVERABLE = 0x0006;
    public const ushort MGMT_OP_SET_CONNECTABLE = 0x0007;
    public const ushort MGMT_OP_SET_FAST_CONNECTABLE = 0x0008;
    public const ushort MGMT_OP_SET_BONDABLE = 0x0009;
    public const ushort MGMT_OP_SET_LINK_SECURITY = 0x000A;
    public const ushort MGMT_OP_SET_SSP = 0x000B;
    public const ushort MGMT_OP_SET_HS = 0x000C;
    public const ushort MGMT_OP_SET_LE = 0x000D;
    public const ushort MGMT_OP_SET_DEV_CLASS = 0x000E;
    public const ushort MGMT_OP_SET_LOCAL_NAME = 0x000F;
    public const ushort MGMT_OP_LOAD_LINK_KEYS = 0x0012;
    public const ushort MGMT_OP_LOAD_LONG_TERM_KEYS = 0x0013;
    public const ushort MGMT_OP_DISCONNECT = 0x0014;
    public const ushort MGMT_OP_GET_CONNECTIONS = 0x0015;
    public const ushort MGMT_OP_PIN_CODE_REPLY = 0x0016;
    public const ushort MGMT_OP_PIN_CODE_NEG_REPLY = 0x0017;
    public const ushort MGMT_OP_SET_IO_CAPABILITY = 0x0018;
    public const ushort MGMT_OP_PAIR_DEVICE = 0x0019;
    public const ushort MGMT_OP_CANCEL_PAIR_DEVICE = 0x001A;
    public const ushort MGMT_OP_UNPAIR_DEVICE = 0x001B;
    public const ushort MGMT_OP_USER_CONFIRM_REPLY = 0x001C;
    public const ushort MGMT_OP_USER_CONFIRM_NEG_REPLY = 0x001D;
    public const ushort MGMT_OP_USER_PASSKEY_REPLY = 0x001E;
    public const ushort MGMT_OP_USER_PASSKEY_NEG_REPLY = 0x001F;
    public const ushort MGMT_OP_START_DISCOVERY = 0x0023;
    public const ushort MGMT_OP_STOP_DISCOVERY = 0x0024;
    public const ushort MGMT_OP_CONFIRM_NAME = 0x0025;
    public const ushort MGMT_OP_SET_BREDR = 0x002A;
    public const ushort MGMT_OP_LOAD_IRKS = 0x0030;
    public const ushort MGMT_OP_READ_ADV_FEATURES = 0x003D;
    public const ushort MGMT_OP_ADD_ADVERTISING = 0x003E;
    public const ushort MGMT_OP_REMOVE_ADVERTISING = 0x003F;
    /// <summary>Add Extended Advertising Parameters (mgmt 1.19, kernel 5.10; mgmt-api.txt).</summary>
    public const ushort MGMT_OP_ADD_EXT_ADV_PARAMS = 0x0054;
    /// <summary>Add Extended Advertising Data (mgmt 1.19, kernel 5.10; mgmt-api.txt).</summary>
    public const ushort MGMT_OP_ADD_EXT_ADV_DATA = 0x0055;

    /// <summary>The command's name as the spec titles it, for messages and logs.</summary>
    public static string Name(ushort opcode) => opcode switch
    {
        MGMT_OP_READ_VERSION => "Read Management Version Information",
        MGMT_OP_READ_COMMANDS => "Read Management Supported Commands",
        MGMT_OP_READ_INDEX_LIST => "Read Controller Index List",
        MGMT_OP_READ_INFO => "Read Controller Information",
        MGMT_OP_SET_POWERED => "Set Powered",
        MGMT_OP_SET_DISCOVERABLE => "Set Discoverable",
        MGMT_OP_SET_CONNECTABLE => "Set Connectable",
        MGMT_OP_SET_FAST_CONNECTABLE => "Set Fast Connectable",
        MGMT_OP_SET_BONDABLE => "Set Bondable",
        MGMT_OP_SET_LINK_SECURITY => "Set Link Security",
        MGMT_OP_SET_SSP => "Set Secure Simple Pairing",
        MGMT_OP_SET_HS => "Set High Speed",
        MGMT_OP_SET_LE => "Set Low Energy",
        MGMT_OP_SET_DEV_CLASS => "Set Device Class",
        MGMT_OP_SET_LOCAL_NAME => "Set Local Name",
        MGMT_OP_LOAD_LINK_KEYS => "Load Link Keys",
        MGMT_OP_LOAD_LONG_TERM_KEYS => "Load Long Term Keys",
        MGMT_OP_DISCONNECT => "Disconnect",
        MGMT_OP_GET_CONNECTIONS => "Get Connections",
        MGMT_OP_PIN_CODE_REPLY => "PIN Code Reply",
        MGMT_OP_PIN_CODE_NEG_REPLY => "PIN Code Negative Reply",
        MGMT_OP_SET_IO_CAPABILITY => "Set IO Capability",
        MGMT_OP_PAIR_DEVICE => "Pair Device",
        MGMT_OP_CANCEL_PAIR_DEVICE => "Cancel Pair Device",
        MGMT_OP_UNPAIR_DEVICE => "Unpair Device",
        MGMT_OP_USER_CONFIRM_REPLY => "User Confirmation Reply",
        MGMT_OP_USER_CONFIRM_NEG_REPLY => "User Confirmation Negative Reply",
        MGMT_OP_USER_PASSKEY_REPLY => "User Passkey Reply",
        MGMT_OP_USER_PASSKEY_NEG_REPLY => "User Passkey Negative Reply",
        MGMT_OP_START_DISCOVERY => "Start Discovery",
        MGMT_OP_STOP_DISCOVERY => "Stop Discovery",
        MGMT_OP_CONFIRM_NAME => "Confirm Name",
        MGMT_OP_SET_BREDR => "Set BR/EDR",
        MGMT_OP_LOAD_IRKS => "Load Identity Resolving Keys",
        MGMT_OP_READ_ADV_FEATURES => "Read Advertising Features",
        MGMT_OP_ADD_ADVERTISING => "Add Advertising",
        MGMT_OP_REMOVE_ADVERTISING => "Remove Advertising",
        MGMT_OP_ADD_EXT_ADV_PARAMS => "Add Extended Advertising Parameters",
        MGMT_OP_ADD_EXT_ADV_DATA => "Add Extended Advertising Data",
        _ => "opcode 0x" + opcode.ToString("X4", CultureInfo.InvariantCulture),
    };
}
