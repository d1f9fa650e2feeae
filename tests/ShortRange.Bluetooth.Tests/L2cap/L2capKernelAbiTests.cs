using CsCheck;
using ShortRange.Bluetooth.L2cap;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Tests.L2cap;

/// <summary>Option structs against the UAPI layout (include/net/bluetooth/bluetooth.h, l2cap.h) and the errno mapping.</summary>
public class L2capKernelAbiTests
{
    [Fact]
    public void Bt_security_is_level_then_key_size_two_bytes()
    {
        Assert.Equal(2, BtSecurity.SizeOf);
        var b = new byte[2];
        new BtSecurity(L2capSecurityLevel.High, 16).WriteTo(b);
        Assert.Equal("0310", Convert.ToHexString(b));
        Assert.Equal(new BtSecurity(L2capSecurityLevel.Medium, 7), BtSecurity.Read([0x02, 0x07]));
        // A 1-byte answer carries only the level.
        Assert.Equal(new BtSecurity(L2capSecurityLevel.Low, 0), BtSecurity.Read([0x01]));
        Assert.Throws<ArgumentException>(() => BtSecurity.Read([]));
        Assert.Throws<ArgumentException>(() => new BtSecurity(L2capSecurityLevel.Low, 0).WriteTo(new byte[1]));
    }

    [Theory]
    // include/net/bluetooth/bluetooth.h: BT_SECURITY_SDP 0, LOW 1, MEDIUM 2, HIGH 3, FIPS 4 (the constants themselves are
    // checked against the compiled header in ShortRange.Linux.Tests SockaddrLayoutTests).
    [InlineData(L2capSecurityLevel.Sdp, 0)]
    [InlineData(L2capSecurityLevel.Low, 1)]
    [InlineData(L2capSecurityLevel.Medium, 2)]
    [InlineData(L2capSecurityLevel.High, 3)]
    [InlineData(L2capSecurityLevel.Fips, 4)]
    public void Security_levels_have_the_kernel_values(L2capSecurityLevel level, byte header)
    {
        Assert.Equal(header, (byte)level);
    }

    [Fact]
    public void L2cap_options_is_twelve_bytes_with_a_pad_byte_before_txwin_size()
    {
        Assert.Equal(12, L2capKernelOptions.SizeOf);
        var b = Enumerable.Repeat((byte)0xEE, 12).ToArray();
        new L2capKernelOptions(OutgoingMtu: 672, IncomingMtu: 1024, FlushTimeout: 0xFFFF, Mode: 3, Fcs: 1, MaxTransmit: 3, TxWindowSize: 63).WriteTo(b);
        // omtu | imtu | flush_to | mode fcs max_tx pad | txwin_size, little-endian
        Assert.Equal("A002" + "0004" + "FFFF" + "03" + "01" + "03" + "00" + "3F00", Convert.ToHexString(b));
        var o = L2capKernelOptions.Read(Convert.FromHexString("30000002D007000105003F00"));
        Assert.Equal(new L2capKernelOptions(48, 512, 2000, 0, 1, 5, 63), o);
        Assert.Throws<ArgumentException>(() => L2capKernelOptions.Read(new byte[11]));
        Assert.Throws<ArgumentException>(() => o.WriteTo(new byte[11]));
    }

    [Fact]
    public void L2cap_options_round_trip()
    {
        Gen.Select(Gen.UShort, Gen.UShort, Gen.UShort, Gen.Byte, Gen.Byte, Gen.Byte, Gen.UShort)
            .Select(t => new L2capKernelOptions(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7))
            .Sample(o =>
            {
                var b = new byte[L2capKernelOptions.SizeOf];
                o.WriteTo(b);
                Assert.Equal(0, b[9]);
                Assert.Equal(o, L2capKernelOptions.Read(b));
            });
    }

    [Fact]
    public void Mtu_option_is_a_little_endian_u16()
    {
        var b = new byte[2];
        L2capKernelAbi.WriteMtu(b, 0x1234);
        Assert.Equal("3412", Convert.ToHexString(b));
        Assert.Equal(0x1234, L2capKernelAbi.ReadMtu(b));
        Assert.Throws<ArgumentException>(() => L2capKernelAbi.ReadMtu(new byte[1]));
    }

    [Theory]
    [InlineData(Errno.ECONNREFUSED, typeof(L2capConnectionRefusedException))]
    [InlineData(Errno.EHOSTDOWN, typeof(L2capHostUnreachableException))]
    [InlineData(Errno.EHOSTUNREACH, typeof(L2capHostUnreachableException))]
    [InlineData(Errno.ETIMEDOUT, typeof(L2capTimeoutException))]
    [InlineData(Errno.EINVAL, typeof(L2capException))]
    public void Errno_maps_to_a_typed_exception(int errno, Type expected)
    {
        var e = L2capException.For("connect", errno);
        Assert.Equal(expected, e.GetType());
        Assert.Equal(errno, e.Errno);
        Assert.Contains("connect", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_options_are_seqpacket_with_kernel_defaults()
    {
        Assert.False(L2capOptions.Default.Stream);
        Assert.Null(L2capOptions.Default.Security);
        Assert.Null(L2capOptions.Default.ReceiveMtu);
    }
}
