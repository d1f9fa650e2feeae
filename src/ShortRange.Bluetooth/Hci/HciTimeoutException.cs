namespace ShortRange.Bluetooth.Hci;

/// <summary>No Command Complete/Status (or no command credit) arrived for an HCI command within the configured time.</summary>
public class HciTimeoutException : BluetoothException
{
    public HciTimeoutException(ushort opcode, string message) : base(message) => Opcode = opcode;

    public ushort Opcode { get; }
}
