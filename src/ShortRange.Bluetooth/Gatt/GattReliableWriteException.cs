using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>
/// A reliable or long write was cancelled because the server's ATT_PREPARE_WRITE_RSP did not echo the request
/// (Core 5.4 Vol 3 Part G §4.9.5): the client sent ATT_EXECUTE_WRITE_REQ with Flags 0x00 and nothing was written.
/// </summary>
public sealed class GattReliableWriteException : AttException
{
    public GattReliableWriteException() { }
    public GattReliableWriteException(string message) : base(message) { }
    public GattReliableWriteException(string message, Exception? innerException) : base(message, innerException) { }

    public GattReliableWriteException(ushort handle, int offset)
        : base($"ATT_PREPARE_WRITE_RSP for 0x{handle:X4} offset {offset} did not echo the request; the queued writes were cancelled")
    {
        Handle = handle;
        Offset = offset;
    }

    /// <summary>The handle whose echo was wrong.</summary>
    public ushort Handle { get; }

    /// <summary>The value offset whose echo was wrong.</summary>
    public int Offset { get; }
}
