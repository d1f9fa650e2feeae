using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Snep;
using ShortRange.Nfc.Tags;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile input for the NFC parsers. Documented exceptions (src/ShortRange.Nfc/Errors): NDEF → <see cref="NdefFormatException"/>,
/// SNEP → <see cref="SnepProtocolException"/>, LLCP → <see cref="LlcpProtocolException"/>, tag command layers → <see cref="NfcTagException"/>.
/// </summary>
public class NfcFuzzTests
{
    private static readonly Gen<NdefRecord> Record = Gen.OneOf(
        Gen.Select(Gen.String[0, 40], Gen.Bool, (t, u) => NdefTextRecord.Create(t, "en", u)),
        Gen.Select(Gen.OneOf(Gen.Const("https://www."), Gen.Const("tel:"), Gen.Const("urn:nfc:"), Gen.Const("")), Gen.String[0, 40], (p, r) => NdefUriRecord.Create(p + r)),
        Gen.Byte.Array[0, 300].Select(p => NdefRecords.Mime("application/vnd.bluetooth.ep.oob", p)),
        Gen.Byte.Array[0, 20].Select(p => NdefRecords.External("android.com:pkg", p)),
        Gen.Const(NdefRecords.AbsoluteUri("http://example.com/a")));

    internal static readonly Gen<byte[]> NdefMessages = Record.Array[1, 4].Select(r => NdefMessage.Encode(r));

    /// <summary>Chunked records (CF) and a long (non-SR) record: the shapes the structured generator never makes.</summary>
    internal static readonly byte[][] NdefSeeds =
    [
        NdefMessage.Encode([NdefTextRecord.Create("hello", "en"), NdefUriRecord.Create("https://www.nfc-forum.org"), NdefRecords.Mime("text/plain", "x"u8.ToArray())]),
        [0xB5, 0x01, 0x03, (byte)'T', 0x02, (byte)'e', (byte)'n', 0x36, 0x02, (byte)'h', (byte)'i', 0x56, 0x00, 0x01, (byte)'!'],
        [0xC1, 0x01, 0x00, 0x00, 0x01, 0x04, (byte)'U', 0x04, .. new byte[259].Select((_, i) => (byte)('a' + i % 26))],
        [0xD0, 0x00, 0x00],
    ];

    private static void ParseNdef(byte[] b)
    {
        foreach (var r in NdefMessage.Parse(b))
        {
            if (r.Tnf != NdefTnf.WellKnown) continue;
            if (r.Type.Span.SequenceEqual(NdefTextRecord.Type)) _ = NdefTextRecord.Decode(r.Payload.Span);
            else if (r.Type.Span.SequenceEqual(NdefUriRecord.Type)) _ = NdefUriRecord.Decode(r.Payload.Span);
        }
    }

    [Fact]
    public void Ndef_parser_only_throws_NdefFormatException_and_never_allocates_from_a_claimed_length()
    {
        var stats = FuzzHarness.Run(Mutator.Mix(NdefMessages, NdefSeeds, 300), ParseNdef,
            new AllocationBudget(16, 8192) /* payload copies + decoded strings (UTF-16: 2 bytes per input byte) */, typeof(NdefFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    [Fact]
    public void Snep_header_only_throws_SnepProtocolException()
    {
        var structured = Gen.Select(Gen.Byte.Array[0, 64], Gen.UInt, Gen.Int[0, 2], (ndef, len, kind) => kind switch
        {
            0 => SnepMessages.Put(ndef),
            1 => SnepMessages.Get(len, ndef),
            _ => SnepMessages.Response((SnepCode)(len & 0xFF), ndef),
        });
        var stats = FuzzHarness.Run(Mutator.Mix(structured, [SnepMessages.Put(NdefSeeds[0]), SnepMessages.Response(SnepCode.Success)]), b =>
        {
            var h = SnepHeader.Read(b, maxLength: 1024);
            if (h.Length <= b.Length - SnepHeader.Size && h.Code == SnepCode.Put && h.Length > 0) ParseNdefTolerant(b.AsSpan(SnepHeader.Size, (int)h.Length).ToArray());
        }, new AllocationBudget(16, 8192), typeof(SnepProtocolException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    private static void ParseNdefTolerant(byte[] b)
    {
        try { ParseNdef(b); } catch (NdefFormatException) { }
    }

    [Fact]
    public void Llcp_pdu_parser_only_throws_LlcpProtocolException()
    {
        var ptypes = Enum.GetValues<LlcpPtype>();
        var structured = Gen.Select(Gen.Byte[0, 63], Gen.Int[0, ptypes.Length - 1], Gen.Byte[0, 63], Gen.Byte, Gen.Byte.Array[0, 40], (d, p, s, seq, info) =>
        {
            var t = ptypes[p];
            bool hasSeq = t is LlcpPtype.I or LlcpPtype.Rr or LlcpPtype.Rnr;
            var pdu = new LlcpPdu(d, t, s, hasSeq ? seq : null, t is LlcpPtype.Symm or LlcpPtype.Rr or LlcpPtype.Rnr ? [] : info);
            var b = new byte[pdu.EncodedLength];
            pdu.Write(b);
            return b;
        });
        var seeds = new byte[][] { [0x00, 0x00], [0x11, 0x20, 0x02, 0x02, 0x07, 0xFF], [0x05, 0x21, 0x06, 0x0F, (byte)'u', (byte)'r', (byte)'n'], [0x13, 0x20, 0x00, 0x10, 0x02, 0x00, 0x00] };
        var stats = FuzzHarness.Run(Mutator.Mix(structured, seeds, 64), b =>
        {
            var pdu = LlcpPdu.Parse(b);
            _ = pdu.Information.Length;
        }, new AllocationBudget(0, 8192) /* a span view: only a thrown exception allocates */, typeof(LlcpProtocolException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }

    /// <summary>A tag that answers with a (hostile) script of responses, then with an error status forever.</summary>
    private static NfcTransceive Scripted(byte[][] script)
    {
        int i = 0;
        return (_, _) => new(i < script.Length ? script[i++] : new byte[] { 0x6A, 0x82 });
    }

    private static byte[][] Type2Session()
    {
        byte[] ndef = NdefSeeds[0];
        var area = new byte[48];
        area[0] = 0x03; area[1] = (byte)ndef.Length; ndef.CopyTo(area, 2); area[2 + ndef.Length] = 0xFE;
        byte[] page3 = [0xE1, 0x10, (byte)(area.Length / 8), 0x00, .. area[..12]];
        return [page3, area[..16], area[16..32], area[32..48], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A], [0x0A]];
    }

    private static byte[][] Type4Session()
    {
        byte[] ok = [0x90, 0x00], ndef = NdefSeeds[0];
        byte[] cc = [0x00, 0x0F, 0x20, 0x00, 0x3B, 0x00, 0x34, 0x04, 0x06, 0xE1, 0x04, 0x00, 0x80, 0x00, 0x00, 0x90, 0x00];
        return [ok, ok, cc, ok, [0x00, (byte)ndef.Length, 0x90, 0x00], [.. ndef, 0x90, 0x00], ok, ok, ok, ok, ok, ok, ok, ok];
    }

    private static Gen<byte[][]> Sessions(byte[][] session) =>
        Gen.Int.Select(Gen.Int[0, 6], (seed, n) =>
        {
            var r = new Random(seed);
            var s = session.Select(x => (byte[])x.Clone()).ToList();
            for (int k = 0; k < n; k++)
            {
                int at = r.Next(s.Count);
                switch (r.Next(4))
                {
                    case 0: s.RemoveAt(at); break;
                    case 1: s.Insert(at, s[r.Next(s.Count)]); break;
                    default: s[at] = Mutator.Mutate(session, s[at], r, r.Next(1, 4)); break;
                }
            }
            return s.ToArray();
        });

    [Fact]
    public void Type2_tag_layer_only_throws_NfcTagException_against_a_hostile_tag()
    {
        FuzzHarness.Run(Sessions(Type2Session()), s => s.Sum(x => x.Length), s =>
        {
            _ = new Type2Tag(Scripted(s)).ReadNdefAsync().AsTask().GetAwaiter().GetResult();
            new Type2Tag(Scripted(s)).WriteNdefAsync(NdefSeeds[1]).AsTask().GetAwaiter().GetResult();
        }, new AllocationBudget(64, 32 * 1024) /* data area ≤ 255×8 bytes as the CC claims */, typeof(NfcTagException));
    }

    [Fact]
    public void Type4_tag_layer_only_throws_NfcTagException_against_a_hostile_tag()
    {
        FuzzHarness.Run(Sessions(Type4Session()), s => s.Sum(x => x.Length), s =>
        {
            _ = new Type4Tag(Scripted(s)).ReadNdefAsync().AsTask().GetAwaiter().GetResult();
            new Type4Tag(Scripted(s)).WriteNdefAsync(NdefSeeds[1]).AsTask().GetAwaiter().GetResult();
        }, new AllocationBudget(64, 160 * 1024) /* the NDEF file buffer is sized from the 16-bit NLEN the tag claims (≤ 64 KiB) */, typeof(NfcTagException));
    }
}
