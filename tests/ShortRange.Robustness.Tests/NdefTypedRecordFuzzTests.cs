using CsCheck;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Ndef;
using ShortRange.Robustness.Tests.Fuzzing;

namespace ShortRange.Robustness.Tests;

/// <summary>
/// Hostile typed NDEF records — the payloads a tag or a peer controls in a tap: Smart Poster, Connection Handover
/// (Hr/Hs with ac/cr/err), Bluetooth OOB (ep.oob and LE) and Wi-Fi WSC credentials. Documented: <see cref="NdefFormatException"/>.
/// </summary>
public class NdefTypedRecordFuzzTests
{
    private static byte[] Message(params NdefRecord[] records) => NdefMessage.Encode(records);

    private static readonly byte[][] Seeds =
    [
        Message(new NdefSmartPoster("https://www.example.com/a") { Titles = [new NdefText("en", "Example", false)], Action = NdefSmartPosterAction.Do, Size = 1024, MimeType = "text/html" }.ToRecord()),
        Message(new NdefHandover(NdefHandoverKind.Select, [new NdefAlternativeCarrier(NdefCarrierPowerState.Active, "0"u8.ToArray())]).ToRecord(),
            NdefBluetoothOob.CreateEp(0x001122334455, [new BluetoothEirField(0x09, "sensor"u8.ToArray())])),
        Message(new NdefHandover(NdefHandoverKind.Request, [new NdefAlternativeCarrier(NdefCarrierPowerState.Activating, "1"u8.ToArray())]) { CollisionResolution = 0x1234 }.ToRecord(),
            NdefBluetoothOob.CreateLe([NdefBluetoothOob.LeAddress(0xC01122334455, true), new BluetoothEirField(0x09, "le"u8.ToArray())], "1")),
        Message(NdefWifiWsc.Create([WifiCredential.Wpa2Personal("shortrange", "correct horse battery")])),
    ];

    private static void DecodeTyped(byte[] message)
    {
        var records = NdefMessage.Parse(message);
        foreach (var r in records)
        {
            var type = r.Type.Span;
            if (r.Tnf == NdefTnf.WellKnown && type.SequenceEqual(NdefSmartPoster.Type)) _ = NdefSmartPoster.Decode(r.Payload.Span).GetTitle("en");
            else if (r.Tnf == NdefTnf.WellKnown && (type.SequenceEqual(NdefHandover.RequestType) || type.SequenceEqual(NdefHandover.SelectType)))
            {
                var h = NdefHandover.Decode(r);
                foreach (var ac in h.Carriers) _ = NdefHandover.FindCarrierRecord(records, ac.DataReference.Span);
            }
            else if (r.Tnf == NdefTnf.MimeMedia && r.TypeText == NdefWifiWsc.MimeType) _ = NdefWifiWsc.Decode(r.Payload.Span);
            else if (r.Tnf == NdefTnf.MimeMedia && r.TypeText == NdefBluetoothOob.EpOobMimeType) _ = NdefBluetoothOob.DecodeEp(r.Payload.Span);
            else if (r.Tnf == NdefTnf.MimeMedia && r.TypeText == NdefBluetoothOob.LeOobMimeType)
            {
                var fields = NdefBluetoothOob.DecodeLe(r.Payload.Span);
                _ = NdefBluetoothOob.FindLeAddress(fields);
                _ = NdefBluetoothOob.FindLocalName(fields);
            }
        }
    }

    [Fact]
    public void Typed_ndef_records_only_throw_NdefFormatException()
    {
        // Also mutate the inner payload only, keeping the outer record valid, so the typed decoders see the damage.
        var innerMutants = Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int, Gen.Int[1, 6], (i, seed, n) =>
        {
            var records = NdefMessage.Parse(Seeds[i]);
            var r = new Random(seed);
            int k = r.Next(records.Count);
            var payload = Mutator.Mutate(Seeds, records[k].Payload.ToArray(), r, n);
            var list = records.ToList();
            list[k] = records[k] with { Payload = payload };
            return NdefMessage.Encode(list);
        });
        var gen = Gen.Frequency((3, innerMutants), (2, Mutator.Mutants(Seeds)), (1, Gen.OneOf(Seeds.Select(Gen.Const).ToArray())));
        var stats = FuzzHarness.Run(gen, DecodeTyped, new AllocationBudget(24, 8192), typeof(NdefFormatException));
        Assert.True(stats.Rejected > 0 && stats.Rejected < stats.Inputs, stats.ToString());
    }
}
