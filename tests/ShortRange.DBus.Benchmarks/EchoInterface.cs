using ShortRange.DBus;

namespace ShortRange.DBus.Benchmarks;

/// <summary>Echo(s) → s, the benchmark's method, served by ShortRange.DBus.</summary>
internal sealed class EchoInterface : DBusInterface
{
    public override string Name => "org.shortrange.Bench";

    public override ValueTask HandleMethodAsync(MethodContext context)
    {
        if (context.Request.Member.SequenceEqual("Echo"u8))
        {
            Reader reader = context.Request.GetBodyReader();
            ReadOnlySpan<byte> text = reader.ReadStringAsSpan();
            MessageWriter w = context.CreateReplyWriter("s");
            try
            {
                w.WriteString(text);
                context.Reply(w.CreateMessage());
            }
            finally
            {
                w.Dispose();
            }
        }
        return default;
    }
}
