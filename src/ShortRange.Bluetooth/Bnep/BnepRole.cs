namespace ShortRange.Bluetooth.Bnep;

/// <summary>PAN profile roles; the value is the role's 16-bit service class UUID used in BNEP setup (PAN v1.0 §1.4).</summary>
public enum BnepRole : ushort
{
    /// <summary>PAN User (service class 0x1115).</summary>
    Panu = BnepConstants.PANU_UUID16,
    /// <summary>Network Access Point (service class 0x1116).</summary>
    Nap = BnepConstants.NAP_UUID16,
    /// <summary>Group ad-hoc Network (service class 0x1117).</summary>
    Gn = BnepConstants.GN_UUID16,
}
