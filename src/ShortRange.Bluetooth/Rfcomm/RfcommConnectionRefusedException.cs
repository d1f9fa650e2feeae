namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>The peer refused the connection (ECONNREFUSED: nobody listens on that channel, or security was refused).</summary>
public sealed class RfcommConnectionRefusedException : RfcommException
{
    public RfcommConnectionRefusedException(string operation, int errno, Exception? inner = null) : base(operation, errno, inner) { }
}
