using System.Buffers.Binary;
using ShortRange.LowPan.Errors;

namespace ShortRange.LowPan.Ieee802154;

/// <summary>
/// The Auxiliary Security Header, IEEE 802.15.4-2015 §9.4 (present when the Security Enabled bit is set).
/// Parsed and written only; this stack does not encrypt or authenticate frames. <see cref="KeySource"/> holds the Key
/// Source octets (4 or 8, an octet string in §9.4.4.1) read least significant octet first like the other MHR fields;
/// Wireshark shows the same octets as a big-endian number.
/// </summary>
public readonly record struct AuxiliarySecurityHeader(
    SecurityLevel Level,
    KeyIdMode KeyIdMode,
    uint FrameCounter,
    ulong KeySource = 0,
    byte KeyIndex = 0,
    bool FrameCounterSuppressed = false,
    bool AsnInNonce = false)
{
    /// <summary>Header size on the air: control (1) + frame counter (0/4) + key identifier (0/1/5/9).</summary>
    public int Length => 1 + (FrameCounterSuppressed ? 0 : 4) + KeyIdentifierLength(KeyIdMode);

    /// <summary>Authentication tag length for <see cref="Level"/> (§9.4.2.2, Table 9-6).</summary>
    public int MicLength => MicLengthOf(Level);

    public static int MicLengthOf(SecurityLevel level) => ((int)level & 3) switch { 1 => 4, 2 => 8, 3 => 16, _ => 0 };

    private static int KeyIdentifierLength(KeyIdMode mode) => mode switch
    {
        KeyIdMode.Index => 1,
        KeyIdMode.Source4Index => 5,
        KeyIdMode.Source8Index => 9,
        _ => 0,
    };

    internal static AuxiliarySecurityHeader Read(ReadOnlySpan<byte> source, out int length)
    {
        if (source.IsEmpty) ThrowHelper.Format(DropReason.Truncated, "Auxiliary security header missing.");
        byte control = source[0];
        var level = (SecurityLevel)(control & 0x07);
        var keyIdMode = (KeyIdMode)((control >> 3) & 0x03);
        bool fcSuppressed = (control & 0x20) != 0;
        bool asn = (control & 0x40) != 0;
        var header = new AuxiliarySecurityHeader(level, keyIdMode, 0, 0, 0, fcSuppressed, asn);
        length = header.Length;
        if (source.Length < length) ThrowHelper.Format(DropReason.Truncated, "Auxiliary security header truncated.");
        int pos = 1;
        uint counter = 0;
        if (!fcSuppressed)
        {
            counter = BinaryPrimitives.ReadUInt32LittleEndian(source[pos..]);
            pos += 4;
        }
        ulong keySource = keyIdMode switch
        {
            KeyIdMode.Source4Index => BinaryPrimitives.ReadUInt32LittleEndian(source[pos..]),
            KeyIdMode.Source8Index => BinaryPrimitives.ReadUInt64LittleEndian(source[pos..]),
            _ => 0,
        };
        byte keyIndex = keyIdMode == KeyIdMode.Implicit ? (byte)0 : source[length - 1];
        return header with { FrameCounter = counter, KeySource = keySource, KeyIndex = keyIndex };
    }

    internal int Write(Span<byte> destination)
    {
        int length = Length;
        if (destination.Length < length) ThrowHelper.TooSmall("auxiliary security header");
        destination[0] = (byte)((int)Level | ((int)KeyIdMode << 3) | (FrameCounterSuppressed ? 0x20 : 0) | (AsnInNonce ? 0x40 : 0));
        int pos = 1;
        if (!FrameCounterSuppressed)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[pos..], FrameCounter);
            pos += 4;
        }
        if (KeyIdMode == KeyIdMode.Source4Index) { BinaryPrimitives.WriteUInt32LittleEndian(destination[pos..], (uint)KeySource); pos += 4; }
        else if (KeyIdMode == KeyIdMode.Source8Index) { BinaryPrimitives.WriteUInt64LittleEndian(destination[pos..], KeySource); pos += 8; }
        if (KeyIdMode != KeyIdMode.Implicit) destination[pos] = KeyIndex;
        return length;
    }
}
