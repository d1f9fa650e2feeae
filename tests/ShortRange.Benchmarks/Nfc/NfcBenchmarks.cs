using BenchmarkDotNet.Attributes;
using ShortRange.Nfc.Llcp;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Snep;

namespace ShortRange.Benchmarks.Nfc;

/// <summary>
/// NDEF parse/serialize of a typical three-record message (Text + URI + MIME; issue 7 target: parse under 300 ns,
/// nothing allocated beyond the record list), LLCP PDU and SNEP header codecs.
/// </summary>
[MemoryDiagnoser]
public class NfcBenchmarks
{
    private readonly IReadOnlyList<NdefRecord> _records =
    [
        NdefTextRecord.Create("Hello from ShortRange", "en"),
        NdefUriRecord.Create("https://www.example.com/shortrange"),
        NdefRecords.Mime("application/json", "{\"sensor\":1,\"t\":21.5}"u8.ToArray()),
    ];
    private byte[] _message = [];
    private readonly byte[] _pdu = new byte[131];
    private readonly byte[] _information = new byte[128];
    private byte[] _snep = [];

    [GlobalSetup]
    public void Setup()
    {
        _message = NdefMessage.Encode(_records);
        new LlcpPdu(0x20, LlcpPtype.I, 0x21, 0x15, _information).Write(_pdu);
        _snep = SnepMessages.Put(_message);
    }

    [Benchmark]
    public int NdefParse() => NdefMessage.Parse(_message).Count;

    /// <summary>The zero-allocation view (<see cref="NdefReader"/>): spans into the message, nothing copied.</summary>
    [Benchmark]
    public int NdefReadView()
    {
        int n = 0;
        foreach (var r in new NdefReader(_message)) n += r.Payload.Length;
        return n;
    }

    [Benchmark]
    public int NdefSerialize() => NdefMessage.Encode(_records).Length;

    [Benchmark]
    public int LlcpParse() => LlcpPdu.Parse(_pdu).Information.Length;

    [Benchmark]
    public int LlcpWrite() => new LlcpPdu(0x20, LlcpPtype.I, 0x21, 0x15, _information).Write(_pdu);

    [Benchmark]
    public uint SnepHeaderRead() => SnepHeader.Read(_snep, 1 << 20).Length;

    [Benchmark]
    public int SnepPutBuild() => SnepMessages.Put(_message).Length;
}
