using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Wire;

/// <summary>Random byte mutations of valid messages: parsing and reading either succeed or throw ProtocolException.</summary>
public class MutationTests
{
    private static byte[] Sample()
    {
        var w = new MessageWriter();
        try
        {
            w.WriteMethodCallHeader("org.example.D", "/org/example/o", "org.example.I", "M", "sa{sv}(ix)avay");
            w.WriteString("text");
            w.WriteDictionary([new("a", (VariantValue)1), new("b", VariantValue.Struct("x", 2.5))]);
            w.WriteStructureStart();
            w.WriteInt32(5);
            w.WriteInt64(6);
            ArrayStart a = w.WriteArrayStart(DBusType.Variant);
            w.WriteVariant(VariantValue.Variant("deep"));
            w.WriteArrayEnd(a);
            w.WriteArray([1, 2, 3]);
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 3;
            return b.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    [Fact]
    public void Mutated_messages_only_ever_throw_ProtocolException()
    {
        byte[] sample = Sample();
        var random = new Random(1234);
        int rejected = 0;
        for (int i = 0; i < 5000; i++)
        {
            byte[] bytes = (byte[])sample.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            try
            {
                using Message m = Message.Parse(bytes);
                _ = ShortRange.DBus.DBusObjectProxy.ReadAll(m);
            }
            catch (ProtocolException)
            {
                rejected++;
            }
        }
        Assert.InRange(rejected, 1000, 5000);
    }
}
