namespace ShortRange.Bluetooth.Gatt;

/// <summary>Attribute permissions (Core 5.4 Vol 3 Part F §3.2.5), checked by <see cref="GattServer"/> before any handler runs.</summary>
[Flags]
public enum GattPermissions
{
    None = 0,
    Read = 1 << 0,
    Write = 1 << 1,

    /// <summary>Read needs an encrypted link: otherwise Insufficient Encryption (0x0F).</summary>
    ReadEncrypted = 1 << 2,

    /// <summary>Write needs an encrypted link: otherwise Insufficient Encryption (0x0F).</summary>
    WriteEncrypted = 1 << 3,

    ReadWrite = Read | Write,
}
