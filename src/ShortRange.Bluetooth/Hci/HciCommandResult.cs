namespace ShortRange.Bluetooth.Hci;

/// <summary>
/// The answer to an HCI command: <see cref="Pending"/> when the controller acknowledged it with a successful Command
/// Status (the outcome arrives later as its own event, e.g. Inquiry Complete), otherwise the Command Complete's
/// Return_Parameters (Status first).
/// </summary>
public readonly record struct HciCommandResult(ushort Opcode, bool Pending, ReadOnlyMemory<byte> ReturnParameters);
