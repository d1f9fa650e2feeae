namespace ShortRange.DBus.Tests.Integration;

/// <summary>Echo(s) → s that holds every reply until <paramref name="released"/> completes (a slow or silent peer).</summary>
internal sealed class RepliesWhenReleased(Task released) : DBusInterface
{
    public override string Name => TestInterface.InterfaceName;

    public override async ValueTask HandleMethodAsync(MethodContext context)
    {
        await released.ConfigureAwait(false);
        string text = context.Request.GetBodyReader().ReadString();
        using MessageWriter w = context.CreateReplyWriter("s");
        w.WriteString(text);
        context.Reply(w.CreateMessage());
    }
}
