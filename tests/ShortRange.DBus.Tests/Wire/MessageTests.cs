using System.Buffers.Binary;
using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Wire;

public class MessageTests
{
    private static byte[] MethodCall()
    {
        var w = new MessageWriter();
        try
        {
            w.WriteMethodCallHeader("org.example.Dest", "/org/example/obj", "org.example.Iface", "DoIt", "su");
            w.WriteString("arg");
            w.WriteUInt32(7);
            using MessageBuffer m = w.CreateMessage();
            m.Serial = 42;
            return m.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    [Fact]
    public void Method_call_header_round_trips()
    {
        byte[] bytes = MethodCall();
        Assert.Equal((byte)'l', bytes[0]);
        Assert.Equal(1, bytes[1]);
        Assert.Equal(1, bytes[3]);
        Assert.Equal(bytes.Length, Message.GetTotalLength(bytes));
        using Message m = Message.Parse(bytes);
        Assert.Equal(MessageType.MethodCall, m.Type);
        Assert.Equal(42u, m.Serial);
        Assert.Equal("/org/example/obj", m.PathAsString);
        Assert.Equal("org.example.Iface", m.InterfaceAsString);
        Assert.Equal("DoIt", m.MemberAsString);
        Assert.Equal("org.example.Dest", m.DestinationAsString);
        Assert.Equal("su", m.SignatureAsString);
        Assert.Equal(0, m.BodyOffset % 8);
        Reader r = m.GetBodyReader();
        Assert.Equal("arg", r.ReadString());
        Assert.Equal(7u, r.ReadUInt32());
        Assert.True(r.IsAtEnd);
    }

    [Fact]
    public void Big_endian_message_from_libdbus_is_parsed()
    {
        // A big-endian METHOD_RETURN, reply to serial 5, signature "s", body "ok" (built by hand per the spec).
        byte[] bytes = BuildBigEndianReply();
        using Message m = Message.Parse(bytes);
        Assert.True(m.IsBigEndian);
        Assert.Equal(MessageType.MethodReturn, m.Type);
        Assert.Equal(5u, m.ReplySerial);
        Assert.Equal("ok", m.GetBodyReader().ReadString());
    }

    private static byte[] BuildBigEndianReply()
    {
        var fields = new List<byte>();
        fields.AddRange([5, 1, (byte)'u', 0, 0, 0, 0, 5]);               // REPLY_SERIAL = 5
        fields.AddRange([8, 1, (byte)'g', 0, 1, (byte)'s', 0]);           // SIGNATURE = "s"
        var msg = new List<byte> { (byte)'B', 2, 0, 1, 0, 0, 0, 7, 0, 0, 0, 9 };
        msg.AddRange([0, 0, 0, (byte)fields.Count]);
        msg.AddRange(fields);
        while (msg.Count % 8 != 0)
        {
            msg.Add(0);
        }
        msg.AddRange([0, 0, 0, 2, (byte)'o', (byte)'k', 0]);
        return msg.ToArray();
    }

    [Fact]
    public void Error_message_carries_name_and_text()
    {
        var w = new MessageWriter();
        byte[] bytes;
        try
        {
            w.WriteError(9, ":1.5"u8, "org.example.Error.Bad", "it broke");
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 10;
            bytes = b.ToArray();
        }
        finally
        {
            w.Dispose();
        }
        using Message m = Message.Parse(bytes);
        Assert.Equal(MessageType.Error, m.Type);
        Assert.Equal(9u, m.ReplySerial);
        Assert.Equal("org.example.Error.Bad", m.ErrorNameAsString);
        Assert.Equal(":1.5", m.DestinationAsString);
        Assert.Equal("it broke", m.GetBodyReader().ReadString());
    }

    [Fact]
    public void Unix_fd_field_is_inserted_keeping_alignment()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();
        var w = new MessageWriter();
        byte[] bytes;
        try
        {
            w.WriteMethodCallHeader("a.b", "/p", "a.b", "M", "hx");
            w.WriteHandle(pipe.SafePipeHandle);
            w.WriteInt64(-1);
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 1;
            bytes = b.ToArray();
        }
        finally
        {
            w.Dispose();
        }
        using Message m = Message.Parse(bytes);
        Assert.Equal(1, m.UnixFdCount);
        Reader r = m.GetBodyReader();
        Assert.Equal(0, r.ReadUnixFdIndex());
        Assert.Equal(-1L, r.ReadInt64());
    }

    private static byte[] Patch(byte[] bytes, Action<byte[]> change)
    {
        byte[] copy = (byte[])bytes.Clone();
        change(copy);
        return copy;
    }

    public static TheoryData<string> HostileHeaders => new()
    {
        "bad-endian", "bad-version", "serial-zero", "huge-body", "huge-fields", "length-mismatch", "truncated", "no-member", "wrong-field-type",
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void Hostile_headers_are_rejected(string kind)
    {
        byte[] good = MethodCall();
        byte[] bad = kind switch
        {
            "bad-endian" => Patch(good, b => b[0] = (byte)'x'),
            "bad-version" => Patch(good, b => b[3] = 2),
            "serial-zero" => Patch(good, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), 0)),
            "huge-body" => Patch(good, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 0x7fffffff)),
            "huge-fields" => Patch(good, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), 0x7fffffff)),
            "length-mismatch" => Patch(good, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), 3)),
            "truncated" => good.AsSpan(0, good.Length - 3).ToArray(),
            "no-member" => NoMember(),
            "wrong-field-type" => Patch(good, b => b[16 + 2] = (byte)'s'), // PATH declared as 's'
            _ => throw new ArgumentException(kind),
        };
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() => Message.Parse(bad).Dispose());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    private static byte[] NoMember()
    {
        // A signal without MEMBER: write a valid signal, then rename the MEMBER field code to an unknown code (ignored).
        var w = new MessageWriter();
        try
        {
            w.WriteSignalHeader(null, "/p", "a.b", "M");
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 1;
            byte[] bytes = b.ToArray();
            // find field code 3 (MEMBER) at an 8-aligned field start and change it to 200
            for (int i = 16; i < bytes.Length; i += 8)
            {
                if (bytes[i] == 3 && bytes[i + 2] == (byte)'s')
                {
                    bytes[i] = 200;
                    return bytes;
                }
            }
            throw new InvalidOperationException("MEMBER field not found");
        }
        finally
        {
            w.Dispose();
        }
    }

    [Fact]
    public void Unknown_header_fields_are_ignored()
    {
        // Same trick on a method call's INTERFACE field: still valid, interface now absent.
        var w = new MessageWriter();
        byte[] bytes;
        try
        {
            w.WriteMethodCallHeader(null, "/p", "a.b", "M");
            using MessageBuffer b = w.CreateMessage();
            b.Serial = 1;
            bytes = b.ToArray();
        }
        finally
        {
            w.Dispose();
        }
        for (int i = 16; i < bytes.Length; i += 8)
        {
            if (bytes[i] == 2 && bytes[i + 2] == (byte)'s')
            {
                bytes[i] = 200;
                break;
            }
        }
        using Message m = Message.Parse(bytes);
        Assert.Null(m.InterfaceAsString);
        Assert.Equal("M", m.MemberAsString);
    }
}
