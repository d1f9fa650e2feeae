using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Sockets;

namespace ShortRange.Nfc.Tags;

/// <summary>
/// Reads or writes the NDEF message of a tag found by a poll: picks the command layer from the target's protocols
/// (ISO-DEP / NFC_PROTO_ISO14443 → <see cref="Type4Tag"/>, MIFARE Ultralight-style NFC-A / NFC_PROTO_MIFARE →
/// <see cref="Type2Tag"/>) and talks to it over an <see cref="NfcRawSocket"/>. Types 1, 3 and 5 are not implemented.
/// </summary>
public static class NfcTagReader
{
    /// <summary>The protocol whose command layer handles a target offering <paramref name="protocols"/>, or null.</summary>
    public static NfcProtocol? TagProtocol(NfcProtocols protocols) =>
        protocols.HasFlag(NfcProtocols.Iso14443) ? NfcProtocol.Iso14443
        : protocols.HasFlag(NfcProtocols.Mifare) ? NfcProtocol.Mifare
        : null;

    /// <summary>Reads the NDEF message through the command layer of <paramref name="protocol"/>.</summary>
    public static ValueTask<byte[]> ReadNdefAsync(NfcProtocol protocol, NfcTransceive transceive, CancellationToken cancellationToken = default) =>
        protocol switch
        {
            NfcProtocol.Iso14443 => new Type4Tag(transceive).ReadNdefAsync(cancellationToken),
            NfcProtocol.Mifare => new Type2Tag(transceive).ReadNdefAsync(cancellationToken),
            _ => throw Unsupported(protocol),
        };

    /// <summary>Writes an NDEF message through the command layer of <paramref name="protocol"/>.</summary>
    public static ValueTask WriteNdefAsync(NfcProtocol protocol, NfcTransceive transceive, ReadOnlyMemory<byte> ndef,
        CancellationToken cancellationToken = default) =>
        protocol switch
        {
            NfcProtocol.Iso14443 => new Type4Tag(transceive).WriteNdefAsync(ndef, cancellationToken),
            NfcProtocol.Mifare => new Type2Tag(transceive).WriteNdefAsync(ndef, cancellationToken),
            _ => throw Unsupported(protocol),
        };

    /// <summary>Connects a raw socket to <paramref name="target"/> on device <paramref name="deviceIndex"/> and reads its NDEF message.</summary>
    public static async Task<byte[]> ReadNdefAsync(uint deviceIndex, NfcTargetInfo target, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var protocol = TagProtocol(target.Protocols) ?? throw NoTagProtocol(target);
        using var raw = await NfcRawSocket.ConnectAsync(deviceIndex, target.Index, protocol, timeout, cancellationToken).ConfigureAwait(false);
        return await ReadNdefAsync(protocol, raw.Transceive, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Connects a raw socket to <paramref name="target"/> and writes <paramref name="ndef"/>.</summary>
    public static async Task WriteNdefAsync(uint deviceIndex, NfcTargetInfo target, ReadOnlyMemory<byte> ndef, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var protocol = TagProtocol(target.Protocols) ?? throw NoTagProtocol(target);
        using var raw = await NfcRawSocket.ConnectAsync(deviceIndex, target.Index, protocol, timeout, cancellationToken).ConfigureAwait(false);
        await WriteNdefAsync(protocol, raw.Transceive, ndef, cancellationToken).ConfigureAwait(false);
    }

    private static NfcTagException Unsupported(NfcProtocol protocol) =>
        new($"{protocol} tags are not supported (Type 2 over MIFARE/NFC-A and Type 4 over ISO-DEP are)");

    private static NfcTagException NoTagProtocol(NfcTargetInfo target) =>
        new($"target {target.Index} offers {target.Protocols}: no tag protocol this SDK reads (an NFC-DEP peer is read with SNEP)");
}
