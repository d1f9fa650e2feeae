namespace ShortRange.Nfc.Llcp;

/// <summary>LLCP PDU types (NFC Forum LLCP 1.1, section 4.3, Table 2).</summary>
public enum LlcpPtype : byte
{
    Symm = 0x0, Pax = 0x1, Agf = 0x2, Ui = 0x3, Connect = 0x4, Disc = 0x5, Cc = 0x6, Dm = 0x7,
    Frmr = 0x8, Snl = 0x9, I = 0xC, Rr = 0xD, Rnr = 0xE,
}
