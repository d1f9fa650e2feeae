using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Wire;

/// <summary>Byte vectors for every type: the writer emits little-endian; the reader accepts both byte orders.</summary>
public class MarshallingTests
{
    private delegate void Write(ref MessageWriter w);

    private static byte[] Written(Write write)
    {
        var w = new MessageWriter();
        try
        {
            write(ref w);
            return w.WrittenSpan.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static TheoryData<string, string, string, string> Vectors => new()
    {
        // signature, value (as VariantValue.ToString()), little-endian bytes, big-endian bytes
        { "y", "171", "ab", "ab" },
        { "b", "true", "01000000", "00000001" },
        { "n", "-2", "feff", "fffe" },
        { "q", "513", "0102", "0201" },
        { "i", "-16909061", "fbfcfdfe", "fefdfcfb" },
        { "u", "305419896", "78563412", "12345678" },
        { "x", "-2", "feffffffffffffff", "fffffffffffffffe" },
        { "t", "72623859790382856", "0807060504030201", "0102030405060708" },
        { "d", "1.5", "000000000000f83f", "3ff8000000000000" },
        { "s", "hi", "02000000 686900", "00000002 686900" },
        { "o", "/a/b", "04000000 2f612f6200", "00000004 2f612f6200" },
        { "g", "a{sv}", "05 617b73767d00", "05 617b73767d00" },
        { "h", "3", "03000000", "00000003" },
        { "ai", "[1, 2]", "08000000 01000000 02000000", "00000008 00000001 00000002" },
        // array of 8-aligned elements: padding after the length is not counted in it
        { "ax", "[1]", "08000000 00000000 0100000000000000", "00000008 00000000 0000000000000001" },
        { "(yi)", "(1, 2)", "01000000 02000000", "01000000 00000002" },
        { "a{sy}", "{k: 7}", "07000000 00000000 01000000 6b00 07", "00000007 00000000 00000001 6b00 07" },
        { "v", "<5>", "0169 0000 05000000", "0169 0000 00000005" },
        { "ay", "[1, 2, 3]", "03000000 010203", "00000003 010203" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reader_reads_both_byte_orders(string signature, string expected, string little, string big)
    {
        var le = new Reader(H(little), bigEndian: false);
        VariantValue fromLe = le.ReadValue(signature);
        Assert.Equal(expected, fromLe.ToString());
        Assert.True(le.IsAtEnd);

        var be = new Reader(H(big), bigEndian: true);
        VariantValue fromBe = be.ReadValue(signature);
        Assert.Equal(expected, fromBe.ToString());
        Assert.True(be.IsAtEnd);
        Assert.Equal(fromLe, fromBe);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Writer_writes_little_endian(string signature, string expected, string little, string big)
    {
        _ = expected;
        _ = big;
        VariantValue value = new Reader(H(little)).ReadValue(signature);
        byte[] bytes = Written((ref MessageWriter w) => w.WriteValue(value));
        Assert.Equal(H(little), bytes);
    }

    [Fact]
    public void Typed_writers_match_vectors()
    {
        Assert.Equal(H("ab"), Written((ref MessageWriter w) => w.WriteByte(0xab)));
        Assert.Equal(H("01000000"), Written((ref MessageWriter w) => w.WriteBool(true)));
        Assert.Equal(H("feff"), Written((ref MessageWriter w) => w.WriteInt16(-2)));
        Assert.Equal(H("0102"), Written((ref MessageWriter w) => w.WriteUInt16(0x0201)));
        Assert.Equal(H("fbfcfdfe"), Written((ref MessageWriter w) => w.WriteInt32(-16909061)));
        Assert.Equal(H("78563412"), Written((ref MessageWriter w) => w.WriteUInt32(0x12345678)));
        Assert.Equal(H("feffffffffffffff"), Written((ref MessageWriter w) => w.WriteInt64(-2)));
        Assert.Equal(H("0807060504030201"), Written((ref MessageWriter w) => w.WriteUInt64(0x0102030405060708)));
        Assert.Equal(H("000000000000f83f"), Written((ref MessageWriter w) => w.WriteDouble(1.5)));
        Assert.Equal(H("02000000686900"), Written((ref MessageWriter w) => w.WriteString("hi")));
        Assert.Equal(H("040000002f612f6200"), Written((ref MessageWriter w) => w.WriteObjectPath("/a/b")));
        Assert.Equal(H("05617b73767d00"), Written((ref MessageWriter w) => w.WriteSignature("a{sv}")));
        // alignment is relative to the message start: a byte, then padding, then an int32
        Assert.Equal(H("07000000 05000000"), Written((ref MessageWriter w) => { w.WriteByte(7); w.WriteInt32(5); }));
        // empty array of 8-aligned elements still pads to 8
        Assert.Equal(H("00000000 00000000"), Written((ref MessageWriter w) =>
        {
            ArrayStart a = w.WriteArrayStart(DBusType.Int64);
            w.WriteArrayEnd(a);
        }));
    }

    [Fact]
    public void Nested_values_round_trip()
    {
        VariantValue value = VariantValue.Struct(
            "name",
            VariantValue.Array("i", 1, 2, 3),
            VariantValue.StringVariantDictionary([new("k", (VariantValue)42u), new("l", VariantValue.Variant(true))]),
            VariantValue.ByteArray([1, 2]),
            VariantValue.Dictionary("o", "(sd)", new KeyValuePair<VariantValue, VariantValue>(
                VariantValue.ObjectPath(new ObjectPath("/x")), VariantValue.Struct("p", 2.5))));
        Assert.Equal("(saia{sv}aya{o(sd)})", value.Signature);
        byte[] bytes = Written((ref MessageWriter w) => w.WriteVariant(value));
        var reader = new Reader(bytes);
        VariantValue back = reader.ReadVariantValue();
        Assert.True(reader.IsAtEnd);
        Assert.Equal(value, back);
        Assert.Equal(42u, back.GetItem(2).GetStringDictionary()["k"].GetUInt32());
        Assert.True(back.GetItem(2).GetStringDictionary()["l"].GetBool()); // variant-in-variant unwrapped
    }

    [Fact]
    public void Unicode_strings_round_trip()
    {
        byte[] bytes = Written((ref MessageWriter w) => w.WriteString("NFC ✓ Ünïcødé"));
        Assert.Equal("NFC ✓ Ünïcødé", new Reader(bytes).ReadString());
    }

    [Fact]
    public void Helper_readers_read_arrays_and_dictionaries()
    {
        byte[] bytes = Written((ref MessageWriter w) =>
        {
            w.WriteArray(["a", "bc"]);
            w.WriteDictionary([new("x", (VariantValue)1), new("y", (VariantValue)"z")]);
            w.WriteArray([5, 6]);
        });
        var r = new Reader(bytes);
        Assert.Equal(["a", "bc"], r.ReadArrayOfString());
        Dictionary<string, VariantValue> d = r.ReadDictionaryOfStringToVariantValue();
        Assert.Equal(1, d["x"].GetInt32());
        Assert.Equal("z", d["y"].GetString());
        Assert.Equal([5, 6], r.ReadArrayOfInt32());
        Assert.True(r.IsAtEnd);
    }
}
