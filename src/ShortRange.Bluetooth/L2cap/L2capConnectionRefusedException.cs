namespace ShortRange.Bluetooth.L2cap;

/// <summary>The peer refused the connection (ECONNREFUSED: no listener on that PSM, or security refused).</summary>
public sealed class L2capConnectionRefusedException : L2capException
{
    public L2capConnectionRefusedException(string operation, int errno, Exception? inner = null) : base(operation, errno, inner) { }
}
