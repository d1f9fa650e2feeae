// Reading an NFC tag: poll with the kernel's `nfc` netlink family, then read the tag's NDEF message through a raw
// AF_NFC socket and the Type 2 / Type 4 command layer, and print its records. Run as root:
//   dotnet ShortRange.Samples.NfcTag.dll [nfc0] [seconds]
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using ShortRange.Nfc.Ndef;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Tags;

string name = args.Length > 0 ? args[0] : "nfc0";
var wait = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60);

// 1. The NFC device, powered.
using var nfc = await NfcNetlinkClient.OpenAsync();
var device = (await nfc.GetDevicesAsync()).Single(d => d.Name == name);
await nfc.SetPoweredAsync(device.Index, true);

// 2. Poll for tags (MIFARE Ultralight-style Type 2 and ISO-DEP Type 4); the kernel reports targets as an event.
var found = nfc.Events.OfType<NfcTargetsFoundEvent>().FirstAsync(e => e.DeviceIndex == device.Index).Timeout(wait).ToTask();
await nfc.StartPollAsync(device.Index, NfcProtocols.Mifare | NfcProtocols.Iso14443, NfcProtocols.None);
Console.WriteLine($"{name}: hold a tag near the reader …");
try { await found; }
catch (TimeoutException)
{
    await nfc.StopPollAsync(device.Index);
    Console.WriteLine("no tag");
    return 1;
}
var tag = (await nfc.GetTargetsAsync(device.Index)).First();
Console.WriteLine($"tag {Convert.ToHexString(tag.Identifier)} ({tag.Protocols})");

// 3. Read its NDEF message (the command layer follows the tag's protocol) and decode the records.
byte[] message = await NfcTagReader.ReadNdefAsync(device.Index, tag);
foreach (var record in NdefMessage.Parse(message))
{
    string text = record.Tnf == NdefTnf.WellKnown && record.TypeText == "T" ? NdefTextRecord.Decode(record.Payload.Span).Text
        : record.Tnf == NdefTnf.WellKnown && record.TypeText == "U" ? NdefUriRecord.Decode(record.Payload.Span)
        : $"{record.Payload.Length} bytes";
    Console.WriteLine($"{record.Tnf} {record.TypeText}: {text}");
}
return 0;
