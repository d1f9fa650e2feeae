namespace ShortRange.Linux.Sockets;

/// <summary>AF_BLUETOOTH protocols, option levels and channels (BlueZ lib/bluetooth.h, hci.h, l2cap.h; kernel include/net/bluetooth/).</summary>
public static class BluetoothSocketConstants
{
    // bluetooth.h
    public const int BTPROTO_L2CAP = 0;
    public const int BTPROTO_HCI = 1;
    public const int BTPROTO_SCO = 2;
    public const int BTPROTO_RFCOMM = 3;
    public const int BTPROTO_BNEP = 4;
    public const int BTPROTO_CMTP = 5;
    public const int BTPROTO_HIDP = 6;
    public const int BTPROTO_AVDTP = 7;

    public const int SOL_HCI = 0;
    public const int SOL_L2CAP = 6;
    public const int SOL_SCO = 17;
    public const int SOL_RFCOMM = 18;
    public const int SOL_BLUETOOTH = 274;

    // bluetooth.h, SOL_BLUETOOTH options
    public const int BT_SECURITY = 4;
    public const int BT_DEFER_SETUP = 7;
    public const int BT_FLUSHABLE = 8;
    public const int BT_POWER = 9;
    public const int BT_CHANNEL_POLICY = 10;
    public const int BT_SNDMTU = 12;
    public const int BT_RCVMTU = 13;
    public const int BT_MODE = 15;

    public const byte BT_SECURITY_SDP = 0, BT_SECURITY_LOW = 1, BT_SECURITY_MEDIUM = 2, BT_SECURITY_HIGH = 3, BT_SECURITY_FIPS = 4;

    // hci.h: sockaddr_hci.hci_dev / hci_channel
    public const ushort HCI_DEV_NONE = 0xFFFF;
    public const ushort HCI_CHANNEL_RAW = 0;
    public const ushort HCI_CHANNEL_USER = 1;
    public const ushort HCI_CHANNEL_MONITOR = 2;
    public const ushort HCI_CHANNEL_CONTROL = 3;
    public const ushort HCI_CHANNEL_LOGGING = 4;

    // hci.h, SOL_HCI options
    public const int HCI_DATA_DIR = 1;
    public const int HCI_FILTER = 2;
    public const int HCI_TIME_STAMP = 3;

    // l2cap.h, SOL_L2CAP options
    public const int L2CAP_OPTIONS = 0x01;
    public const int L2CAP_CONNINFO = 0x02;
    public const int L2CAP_LM = 0x03;

    // bluetooth.h: sockaddr_l2.l2_bdaddr_type
    public const byte BDADDR_BREDR = 0x00;
    public const byte BDADDR_LE_PUBLIC = 0x01;
    public const byte BDADDR_LE_RANDOM = 0x02;

    // l2cap.h: fixed channel ids
    public const ushort L2CAP_CID_SIGNALING = 0x0001;
    public const ushort L2CAP_CID_ATT = 0x0004;
    public const ushort L2CAP_CID_LE_SIGNALING = 0x0005;
    public const ushort L2CAP_CID_SMP = 0x0006;

    // Well-known PSMs (Bluetooth Assigned Numbers)
    public const ushort L2CAP_PSM_SDP = 0x0001;
    public const ushort L2CAP_PSM_BNEP = 0x000F;
}
