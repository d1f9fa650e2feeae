using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Tags;

namespace ShortRange.Nfc.Tests.Tags;

public class Type4TagTests
{
    [Fact]
    public async Task Write_then_read_with_chunking_by_mle_and_mlc()
    {
        var emu = new Type4TagEmulator(1024);
        var tag = new Type4Tag(emu.Transceive);
        var ct = TestContext.Current.CancellationToken;
        Assert.Empty(await tag.ReadNdefAsync(ct));
        var ndef = NdefMessage.Encode([NdefTextRecord.Create("hello"), NdefRecords.Mime("x/y", new byte[500])]);
        await tag.WriteNdefAsync(ndef, ct);
        Assert.Equal(ndef.Length, (emu.NdefFile[0] << 8) | emu.NdefFile[1]);
        Assert.Equal(ndef, await tag.ReadNdefAsync(ct));
    }

    [Fact]
    public async Task Read_only_too_small_and_bad_status_words_are_typed()
    {
        var ct = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<NfcTagException>(async () => await new Type4Tag(new Type4TagEmulator(64, readOnly: true).Transceive).WriteNdefAsync(new byte[3], ct));
        await Assert.ThrowsAsync<NfcTagException>(async () => await new Type4Tag(new Type4TagEmulator(64).Transceive).WriteNdefAsync(new byte[63], ct));
        var ex = await Assert.ThrowsAsync<NfcTagException>(async () =>
            await new Type4Tag((_, _) => new ValueTask<ReadOnlyMemory<byte>>(new byte[] { 0x6A, 0x82 })).ReadNdefAsync(ct));
        Assert.Contains("6A82", ex.Message);
    }

    [Fact]
    public async Task Nlen_beyond_file_size_is_rejected()
    {
        var emu = new Type4TagEmulator(64);
        emu.NdefFile[0] = 0xFF; emu.NdefFile[1] = 0xFF;
        await Assert.ThrowsAsync<NfcTagException>(async () => await new Type4Tag(emu.Transceive).ReadNdefAsync(TestContext.Current.CancellationToken));
    }
}
