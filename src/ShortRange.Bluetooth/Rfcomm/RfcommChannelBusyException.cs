namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>
/// EBUSY on connect: this link already has a DLC for that server channel — still open, or still closing (the kernel
/// keeps a closed DLC until the peer acknowledges its DISC with UA, net/bluetooth/rfcomm/core.c __rfcomm_dlc_open).
/// One connection per channel per link; close the other one (<see cref="RfcommStream.CloseAsync"/> waits for the UA)
/// before connecting again.
/// </summary>
public sealed class RfcommChannelBusyException : RfcommException
{
    public RfcommChannelBusyException(string operation, int errno, Exception? inner = null)
        : base(errno, $"RFCOMM {operation} failed: EBUSY (this link already has a connection on that channel, open or still closing)", inner) { }
}
