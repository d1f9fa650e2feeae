namespace ShortRange.Bluetooth.Att;

/// <summary>Fixed numbers of the Attribute Protocol and its LE bearer.</summary>
public static class AttConstants
{
    /// <summary>L2CAP fixed channel of ATT on LE-U (Core 5.4 Vol 3 Part A §2.1, Table 2.3).</summary>
    public const ushort ATT_CID = 0x0004;

    /// <summary>ATT_MTU before any exchange on LE (Core 5.4 Vol 3 Part G §5.2.1, Table 5.1).</summary>
    public const ushort ATT_DEFAULT_LE_MTU = 23;

    /// <summary>Largest attribute value (Core 5.4 Vol 3 Part F §3.2.9).</summary>
    public const int MaxAttributeValueLength = 512;

    /// <summary>Length of the Authentication Signature of ATT_SIGNED_WRITE_CMD (§3.4.5.4; Vol 3 Part H §2.4.5).</summary>
    public const int SignatureLength = 12;

    /// <summary>A transaction not completed within this time fails and ends the bearer (§3.3.3).</summary>
    public static readonly TimeSpan TransactionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Lowest and highest valid attribute handle (§3.2.2); 0x0000 is reserved.</summary>
    public const ushort MinHandle = 0x0001, MaxHandle = 0xFFFF;
}
