using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Tags;

namespace ShortRange.Nfc.Tests.Tags;

public class NfcTagReaderTests
{
    private static readonly byte[] Message = NdefMessage.Encode([NdefUriRecord.Create("https://example.com/tag")]);

    [Theory]
    [InlineData(NfcProtocols.Iso14443 | NfcProtocols.Mifare, NfcProtocol.Iso14443)]
    [InlineData(NfcProtocols.Mifare, NfcProtocol.Mifare)]
    [InlineData(NfcProtocols.NfcDep, null)]
    [InlineData(NfcProtocols.Felica, null)]
    public void Protocol_selects_the_command_layer(NfcProtocols offered, NfcProtocol? expected) =>
        Assert.Equal(expected, NfcTagReader.TagProtocol(offered));

    [Fact]
    public async Task Type2_write_then_read_through_the_mifare_layer()
    {
        var emu = new Type2TagEmulator(128);
        var ct = TestContext.Current.CancellationToken;
        await NfcTagReader.WriteNdefAsync(NfcProtocol.Mifare, emu.Transceive, Message, ct);
        Assert.Equal(Message, await NfcTagReader.ReadNdefAsync(NfcProtocol.Mifare, emu.Transceive, ct));
    }

    [Fact]
    public async Task Type4_write_then_read_through_the_iso_dep_layer()
    {
        var emu = new Type4TagEmulator(256);
        var ct = TestContext.Current.CancellationToken;
        await NfcTagReader.WriteNdefAsync(NfcProtocol.Iso14443, emu.Transceive, Message, ct);
        Assert.Equal(Message, await NfcTagReader.ReadNdefAsync(NfcProtocol.Iso14443, emu.Transceive, ct));
    }

    [Fact]
    public async Task Felica_is_refused_with_a_tag_error()
    {
        var emu = new Type2TagEmulator(48);
        await Assert.ThrowsAsync<NfcTagException>(() => NfcTagReader.ReadNdefAsync(NfcProtocol.Felica, emu.Transceive, TestContext.Current.CancellationToken).AsTask());
    }
}
