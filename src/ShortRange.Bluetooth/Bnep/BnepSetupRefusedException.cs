namespace ShortRange.Bluetooth.Bnep;

/// <summary>The BNEP setup was refused with a Setup Connection Response code (BNEP v1.0 §2.6.3.2).</summary>
public sealed class BnepSetupRefusedException : BluetoothException
{
    public BnepSetupRefusedException() { }
    public BnepSetupRefusedException(string message) : base(message) { }
    public BnepSetupRefusedException(string message, Exception? innerException) : base(message, innerException) { }

    public BnepSetupRefusedException(BnepSetupResponseCode code, bool byPeer)
        : base($"BNEP setup refused {(byPeer ? "by the peer" : "locally")}: 0x{(ushort)code:X4} {BnepResponseNames.Name(code)}")
    {
        Code = code;
        ByPeer = byPeer;
    }

    /// <summary>The response code.</summary>
    public BnepSetupResponseCode Code { get; }

    /// <summary>The specification's name of <see cref="Code"/>.</summary>
    public string CodeName => BnepResponseNames.Name(Code);

    /// <summary>True when the remote device refused; false when this side refused the peer's request.</summary>
    public bool ByPeer { get; }
}
