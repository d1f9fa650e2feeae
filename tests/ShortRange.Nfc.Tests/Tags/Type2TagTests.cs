using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Tags;

namespace ShortRange.Nfc.Tests.Tags;

public class Type2TagTests
{
    [Fact]
    public async Task Fresh_tag_reads_empty_then_round_trips_a_message()
    {
        var emu = new Type2TagEmulator(48);
        var tag = new Type2Tag(emu.Transceive);
        Assert.Empty(await tag.ReadNdefAsync(TestContext.Current.CancellationToken));
        var ndef = NdefMessage.Encode([NdefUriRecord.Create("https://nfc-forum.org")]);
        await tag.WriteNdefAsync(ndef, TestContext.Current.CancellationToken);
        Assert.Equal(ndef, await tag.ReadNdefAsync(TestContext.Current.CancellationToken));
        Assert.Equal(4, emu.WrittenPages[^1]); // length page rewritten last
    }

    [Fact]
    public async Task Long_message_uses_three_byte_length_form()
    {
        var emu = new Type2TagEmulator(496);
        var tag = new Type2Tag(emu.Transceive);
        var ndef = NdefMessage.Encode([NdefRecords.Mime("a/b", new byte[400])]);
        await tag.WriteNdefAsync(ndef, TestContext.Current.CancellationToken);
        Assert.Equal(0xFF, emu.Memory[17]);
        Assert.Equal(ndef.Length, (emu.Memory[18] << 8) | emu.Memory[19]);
        Assert.Equal(ndef, await tag.ReadNdefAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Read_only_and_too_small_tags_refuse_writes()
    {
        var ro = new Type2Tag(new Type2TagEmulator(48, readOnly: true).Transceive);
        await Assert.ThrowsAsync<NfcTagException>(async () => await ro.WriteNdefAsync(new byte[3], TestContext.Current.CancellationToken));
        var small = new Type2Tag(new Type2TagEmulator(48).Transceive);
        await Assert.ThrowsAsync<NfcTagException>(async () => await small.WriteNdefAsync(new byte[47], TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Hostile_tlv_lengths_throw_typed() =>
        Gen.Byte.Array[1, 64].Sample(area =>
        {
            try
            {
                var (start, value, len) = Type2Tag.FindNdef(area);
                if (start >= 0) Assert.InRange(value + len, 0, area.Length);
            }
            catch (NfcTagException) { }
        });
}
