namespace ShortRange.Nfc.Ndef;

/// <summary>One logical NDEF record (chunks already reassembled).</summary>
public sealed record NdefRecord(NdefTnf Tnf, ReadOnlyMemory<byte> Type, ReadOnlyMemory<byte> Id, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Type as ASCII text (well-known, external and MIME types are ASCII).</summary>
    public string TypeText => System.Text.Encoding.ASCII.GetString(Type.Span);
}
