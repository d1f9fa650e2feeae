using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Snep;

namespace ShortRange.Nfc.Tests.Snep;

public class SnepCodecTests
{
    [Fact]
    public void Put_has_version_code_and_length()
    {
        var ndef = NdefMessage.Encode([NdefUriRecord.Create("http://a.b")]);
        var put = SnepMessages.Put(ndef);
        Assert.Equal(new byte[] { 0x10, 0x02, 0, 0, 0, (byte)ndef.Length }, put[..6]);
        Assert.Equal(ndef, put[6..]);
        var h = SnepHeader.Read(put, 1024);
        Assert.Equal(new SnepHeader(0x10, SnepCode.Put, (uint)ndef.Length), h);
    }

    [Fact]
    public void Get_carries_acceptable_length_before_ndef()
    {
        var get = SnepMessages.Get(0x01020304, [0xD0, 0, 0]);
        Assert.Equal(new byte[] { 0x10, 0x01, 0, 0, 0, 7, 1, 2, 3, 4, 0xD0, 0, 0 }, get);
    }

    [Fact]
    public void Oversized_length_rejected_before_allocation_with_excess_data()
    {
        byte[] hostile = [0x10, 0x02, 0xFF, 0xFF, 0xFF, 0xFF];
        var ex = Assert.Throws<SnepProtocolException>(() => SnepHeader.Read(hostile, 1 << 20));
        Assert.Equal((byte)SnepCode.ExcessData, ex.Code);
    }

    [Fact]
    public void Major_version_2_is_unsupported()
    {
        var ex = Assert.Throws<SnepProtocolException>(() => SnepHeader.Read([0x20, 0x02, 0, 0, 0, 0], 10));
        Assert.Equal((byte)SnepCode.UnsupportedVersion, ex.Code);
        Assert.Equal(0x11, SnepHeader.Read([0x11, 0x81, 0, 0, 0, 0], 10).Version); // minor versions are accepted
    }

    [Fact]
    public void Short_header_throws_typed() =>
        Assert.Throws<SnepProtocolException>(() => SnepHeader.Read([0x10, 0x02, 0], 10));

    [Fact]
    public void Fragments_respect_miu_and_reassemble() =>
        Gen.Select(Gen.Byte.Array[0, 3000], Gen.Int[6, 256]).Sample((ndef, miu) =>
        {
            var msg = SnepMessages.Put(ndef);
            var frags = SnepMessages.Fragment(msg, miu).ToList();
            Assert.All(frags, f => Assert.InRange(f.Length, 1, miu));
            Assert.Equal(msg, frags.SelectMany(f => f.ToArray()).ToArray());
        });
}
