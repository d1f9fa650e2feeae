using Tmds.DBus.Protocol;

namespace ShortRange.Neard.RoundTrips;

/// <summary>
/// A neard-shaped service on its own connection: /org/neard/nfc0 answers Properties.GetAll("org.neard.Adapter") with the
/// four adapter properties of doc/adapter-api.txt and StartPollLoop(s) with an empty reply. Same service for every client.
/// </summary>
internal sealed class FakeAdapterService : IPathMethodHandler
{
    public string Path => "/org/neard/nfc0";

    public bool HandlesChildPaths => false;

    public ValueTask HandleMethodAsync(MethodContext context)
    {
        var request = context.Request;
        string? member = request.MemberAsString;
        if (request.InterfaceAsString == "org.freedesktop.DBus.Properties" && member == "GetAll")
        {
            using var w = context.CreateReplyWriter("a{sv}");
            var start = w.WriteDictionaryStart();
            w.WriteDictionaryEntryStart();
            w.WriteString("Mode");
            w.WriteVariantString("Idle");
            w.WriteDictionaryEntryStart();
            w.WriteString("Powered");
            w.WriteVariantBool(true);
            w.WriteDictionaryEntryStart();
            w.WriteString("Polling");
            w.WriteVariantBool(false);
            w.WriteDictionaryEntryStart();
            w.WriteString("Protocols");
            w.WriteVariant(VariantValue.Array(new[] { "Felica", "MIFARE", "Jewel", "ISO-DEP", "NFC-DEP" }));
            w.WriteDictionaryEnd(start);
            context.Reply(w.CreateMessage());
        }
        else if (request.InterfaceAsString == "org.neard.Adapter" && member is "StartPollLoop" or "StopPollLoop")
        {
            using var w = context.CreateReplyWriter(null);
            context.Reply(w.CreateMessage());
        }
        else
        {
            context.ReplyUnknownMethodError();
        }
        return ValueTask.CompletedTask;
    }
}
