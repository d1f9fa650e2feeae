using ShortRange.DBus;

namespace ShortRange.DBus.Tests.Wire;

/// <summary>Malformed and hostile input is rejected with ProtocolException, without large allocations.</summary>
public class HostileInputTests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static void Rejects(string hex, string signature, bool bigEndian = false)
    {
        byte[] data = H(hex);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProtocolException>(() => new Reader(data, bigEndian).ReadValue(signature));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes rejecting a {data.Length}-byte input");
    }

    [Fact] public void Huge_string_length() => Rejects("ffffff7f 41", "s");
    [Fact] public void Huge_string_length_big_endian() => Rejects("7fffffff 41", "s", bigEndian: true);
    [Fact] public void String_without_nul() => Rejects("02000000 414141", "s");
    [Fact] public void String_with_interior_nul() => Rejects("02000000 410000", "s");
    [Fact] public void String_invalid_utf8() => Rejects("02000000 c328 00", "s");
    [Fact] public void Array_over_2_pow_26() => Rejects("01000004 00000000", "ai");
    [Fact] public void Array_longer_than_data() => Rejects("00010000 01000000", "ai");
    [Fact] public void Array_element_overruns_declared_length() => Rejects("02000000 01000000", "ai");
    [Fact] public void Bool_not_0_or_1() => Rejects("02000000", "b");
    [Fact] public void Truncated_int64() => Rejects("010203", "x");
    [Fact] public void Nonzero_padding() => Rejects("01 ff0000 05000000", "(yi)");
    [Fact] public void Invalid_object_path() => Rejects("03000000 2f2f6100", "o");
    [Fact] public void Variant_with_bad_signature() => Rejects("027b7d00", "v");
    [Fact] public void Variant_with_two_types() => Rejects("02696900 00000000", "v");
    [Fact] public void Signature_without_nul() => Rejects("0169 69", "g");

    [Fact]
    public void Variants_nested_past_64_are_rejected()
    {
        // 100 variants each containing a variant ("01 76 00" per level), which no signature limits.
        var bytes = new List<byte>();
        for (int i = 0; i < 100; i++)
        {
            bytes.AddRange([1, (byte)'v', 0]);
        }
        bytes.AddRange([1, (byte)'y', 0, 7]);
        var ex = Assert.Throws<ProtocolException>(() => new Reader(bytes.ToArray()).ReadVariantValue());
        Assert.Contains("64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Variants_nested_within_limit_are_accepted()
    {
        var bytes = new List<byte>();
        for (int i = 0; i < 10; i++)
        {
            bytes.AddRange([1, (byte)'v', 0]);
        }
        bytes.AddRange([1, (byte)'y', 0, 7]);
        Assert.Equal(7, new Reader(bytes.ToArray()).ReadVariantValue().Unwrap().GetByte());
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("a{sv}", true)]
    [InlineData("(ii)a(sa{sv})", true)]
    [InlineData("a{vs}", false)]       // key must be basic
    [InlineData("{ss}", false)]        // dict entry outside an array
    [InlineData("a{sss}", false)]      // three fields
    [InlineData("()", false)]          // empty struct
    [InlineData("(i", false)]          // unterminated
    [InlineData("a", false)]           // incomplete array
    [InlineData("z", false)]           // unknown code
    [InlineData("i)", false)]
    public void Signatures_are_validated(string signature, bool valid) =>
        Assert.Equal(valid, SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(signature)));

    [Fact]
    public void Signature_depth_and_length_limits()
    {
        string structs32 = new string('(', 32) + "i" + new string(')', 32);
        string structs33 = new string('(', 33) + "i" + new string(')', 33);
        string arrays32 = new string('a', 32) + "i";
        string arrays33 = new string('a', 33) + "i";
        Assert.True(SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(structs32)));
        Assert.False(SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(structs33)));
        Assert.True(SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(arrays32)));
        Assert.False(SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(arrays33)));
        // 32 arrays of 32 nested structs = 64 total is allowed; one more is not
        string mixed64 = new string('a', 32) + new string('(', 32) + "i" + new string(')', 32);
        Assert.True(SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(mixed64)));
        Assert.False(SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(new string('i', 256))));
        Assert.True(SignatureValidator.IsValid(System.Text.Encoding.ASCII.GetBytes(new string('i', 255))));
    }
}
