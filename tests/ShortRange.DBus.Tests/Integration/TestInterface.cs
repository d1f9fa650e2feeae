using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Integration;

/// <summary>An exported interface with several argument types, called by dbus-send, gdbus and our own client.</summary>
public sealed class TestInterface : DBusInterface
{
    /// <summary>A call of <paramref name="member"/>(s) on this interface at <paramref name="path"/>.</summary>
    public static MessageBuffer Call(string destination, string path, string member, string text)
    {
        using var w = new MessageWriter();
        w.WriteMethodCallHeader(destination, path, InterfaceName, member, "s");
        w.WriteString(text);
        return w.CreateMessage();
    }

    public const string InterfaceName = "org.shortrange.Test";

    public string NameProperty { get; set; } = "initial";

    public override string Name => InterfaceName;

    public override string IntrospectionMembersXml => """
        <method name="Echo"><arg type="s" direction="in"/><arg type="s" direction="out"/></method>
        <method name="Add"><arg type="i" direction="in"/><arg type="i" direction="in"/><arg type="i" direction="out"/></method>
        <method name="Sum"><arg type="ai" direction="in"/><arg type="x" direction="out"/></method>
        <method name="Keys"><arg type="a{sv}" direction="in"/><arg type="as" direction="out"/></method>
        <method name="Describe"><arg type="v" direction="in"/><arg type="s" direction="out"/></method>
        <method name="Swap"><arg type="(sib)" direction="in"/><arg type="(bis)" direction="out"/></method>
        <method name="Total"><arg type="a{si}" direction="in"/><arg type="i" direction="out"/></method>
        <method name="WhoAmI"><arg type="s" direction="out"/></method>
        <method name="Fail"/>
        <property name="Name" type="s" access="readwrite"/>
        <property name="Count" type="u" access="read"/>
        """;

    public override ValueTask HandleMethodAsync(MethodContext context)
    {
        Message request = context.Request;
        Reader r = request.GetBodyReader();
        string sig = request.SignatureAsString;
        switch (request.MemberAsString)
        {
            case "Echo" when sig == "s":
            {
                string s = r.ReadString();
                using MessageWriter w = context.CreateReplyWriter("s");
                w.WriteString(s);
                context.Reply(w.CreateMessage());
                break;
            }
            case "Add" when sig == "ii":
            {
                int sum = r.ReadInt32() + r.ReadInt32();
                using MessageWriter w = context.CreateReplyWriter("i");
                w.WriteInt32(sum);
                context.Reply(w.CreateMessage());
                break;
            }
            case "Sum" when sig == "ai":
            {
                long total = r.ReadArrayOfInt32().Sum(x => (long)x);
                using MessageWriter w = context.CreateReplyWriter("x");
                w.WriteInt64(total);
                context.Reply(w.CreateMessage());
                break;
            }
            case "Keys" when sig == "a{sv}":
            {
                Dictionary<string, VariantValue> d = r.ReadDictionaryOfStringToVariantValue();
                using MessageWriter w = context.CreateReplyWriter("as");
                w.WriteArray(d.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value.Signature}:{e.Value}"));
                context.Reply(w.CreateMessage());
                break;
            }
            case "Describe" when sig == "v":
            {
                VariantValue v = r.ReadVariantValue();
                using MessageWriter w = context.CreateReplyWriter("s");
                w.WriteString($"{v.Signature}:{v}");
                context.Reply(w.CreateMessage());
                break;
            }
            case "Swap" when sig == "(sib)":
            {
                r.AlignStruct();
                string s = r.ReadString();
                int i = r.ReadInt32();
                bool b = r.ReadBool();
                using MessageWriter w = context.CreateReplyWriter("(bis)");
                w.WriteStructureStart();
                w.WriteBool(!b);
                w.WriteInt32(i * 2);
                w.WriteString(s.ToUpperInvariant());
                context.Reply(w.CreateMessage());
                break;
            }
            case "Total" when sig == "a{si}":
            {
                int total = 0;
                ArrayEnd end = r.ReadDictionaryStart();
                while (r.HasNext(end))
                {
                    r.AlignStruct();
                    _ = r.ReadString();
                    total += r.ReadInt32();
                }
                using MessageWriter w = context.CreateReplyWriter("i");
                w.WriteInt32(total);
                context.Reply(w.CreateMessage());
                break;
            }
            case "WhoAmI":
            {
                using MessageWriter w = context.CreateReplyWriter("s");
                w.WriteString(context.Sender ?? "");
                context.Reply(w.CreateMessage());
                break;
            }
            case "Fail":
                throw new DBusErrorException("org.shortrange.Error.Boom", "boom requested");
        }
        return default;
    }

    public override bool TryGetProperty(string name, out VariantValue value)
    {
        switch (name)
        {
            case "Name":
                value = NameProperty;
                return true;
            case "Count":
                value = 3u;
                return true;
            default:
                value = default;
                return false;
        }
    }

    public override IEnumerable<KeyValuePair<string, VariantValue>> GetProperties() =>
        [new("Name", NameProperty), new("Count", 3u)];

    public override void SetProperty(string name, VariantValue value)
    {
        if (name != "Name")
        {
            base.SetProperty(name, value);
            return;
        }
        NameProperty = value.GetString();
        EmitPropertiesChanged([new("Name", NameProperty)]);
    }
}
