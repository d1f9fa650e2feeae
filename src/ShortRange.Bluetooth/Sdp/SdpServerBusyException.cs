namespace ShortRange.Bluetooth.Sdp;

/// <summary>PSM 1 is already bound (EADDRINUSE): another SDP server, usually bluetoothd, publishes records on this host.</summary>
public sealed class SdpServerBusyException : SdpException
{
    public SdpServerBusyException(Exception? inner) : base(
        "L2CAP PSM 1 (SDP) is already in use: bluetoothd (or another SDP server) runs on this host. Stop it, or publish the record through bluetoothd (org.bluez.ProfileManager1)", inner) { }
}
