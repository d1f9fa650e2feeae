using System.Globalization;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>A mgmt command failed with a non-success status (Command Status or Command Complete).</summary>
public class MgmtException : BluetoothException
{
    public MgmtException(ushort opcode, ushort controllerIndex, MgmtStatus status)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"mgmt command {MgmtOpcode.Name(opcode)} (0x{opcode:X4}) on controller index {controllerIndex} failed: {MgmtStatusNames.Name(status)} (0x{(byte)status:X2})"))
    {
        Opcode = opcode;
        ControllerIndex = controllerIndex;
        Status = status;
    }

    public ushort Opcode { get; }
    public ushort ControllerIndex { get; }
    public MgmtStatus Status { get; }
}
