using System.Globalization;

namespace ShortRange.Bluetooth.Hci;

/// <summary>An HCI command failed: its Command Status or Command Complete carried a non-zero Status.</summary>
public class HciCommandException : BluetoothException
{
    public HciCommandException(ushort opcode, HciStatus status, string? adapter = null)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"HCI command {HciOpcode.Name(opcode)} (0x{opcode:X4}){(adapter is null ? "" : " on " + adapter)} failed: {HciStatusNames.Name(status)} (0x{(byte)status:X2})"))
    {
        Opcode = opcode;
        Status = status;
        StatusName = HciStatusNames.Name(status);
    }

    public ushort Opcode { get; }
    public HciStatus Status { get; }
    /// <summary>The status as the Core spec names it (Vol 1 Part F §1.3).</summary>
    public string StatusName { get; }
}
