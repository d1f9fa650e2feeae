using System.Net;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Nd;

namespace ShortRange.LowPan.Tests;

public class HeaderTests
{
    [Theory]
    [InlineData(0x41, DispatchKind.Ipv6)]
    [InlineData(0x60, DispatchKind.Iphc)]
    [InlineData(0x7F, DispatchKind.Iphc)]
    [InlineData(0x50, DispatchKind.Broadcast)]
    [InlineData(0x80, DispatchKind.Mesh)]
    [InlineData(0xBF, DispatchKind.Mesh)]
    [InlineData(0xC7, DispatchKind.Frag1)]
    [InlineData(0xE7, DispatchKind.FragN)]
    [InlineData(0x00, DispatchKind.NotLowPan)]
    [InlineData(0x42, DispatchKind.Unknown)]
    [InlineData(0xD0, DispatchKind.Unknown)]
    public void Dispatch_classification(byte b, DispatchKind kind) => Assert.Equal(kind, Dispatch.Classify(b));

    [Fact]
    public void Mesh_header_round_trips_short_extended_and_deep_hops()
    {
        var buf = new byte[32];
        var h = new MeshHeader(5, MacAddress.FromShort(0x1234), MacAddress.FromExtended(0x0102030405060708));
        int n = h.Write(buf);
        Assert.Equal(Packets.Hex("a5 1234 0102030405060708"), buf[..n]);
        Assert.Equal(h, MeshHeader.Read(buf, out int len));
        Assert.Equal(n, len);
        var deep = new MeshHeader(200, MacAddress.FromExtended(1), MacAddress.FromShort(2));
        n = deep.Write(buf);
        Assert.Equal(0x9F, buf[0]);
        Assert.Equal(200, buf[1]);
        Assert.Equal(deep, MeshHeader.Read(buf.AsSpan(0, n), out _));
        Assert.Throws<LowPanFormatException>(() => MeshHeader.Read(buf.AsSpan(0, n - 1), out _));
    }

    [Fact]
    public void Broadcast_header_round_trips()
    {
        var buf = new byte[2];
        BroadcastHeader.Write(77, buf);
        Assert.Equal(new byte[] { 0x50, 77 }, buf);
        Assert.Equal(77, BroadcastHeader.ReadSequence(buf));
    }

    [Fact]
    public void Aro_6co_abro_round_trip_with_rfc6775_layouts()
    {
        var buf = new byte[32];
        var aro = new AddressRegistrationOption(0, 600, 0x0011223344556677);
        Assert.Equal(16, aro.Write(buf));
        Assert.Equal(Packets.Hex("2102 00 000000 0258 0011223344556677"), buf[..16]);
        Assert.Equal(aro, AddressRegistrationOption.Read(buf));

        var prefix = IPAddress.Parse("2001:db8:1:2::").GetAddressBytes();
        var co = new SixLowPanContextOption(64, true, 3, 60, prefix);
        Assert.Equal(16, co.Write(buf));
        Assert.Equal(Packets.Hex("2202 40 13 0000 003c 20010db800010002"), buf[..16]);
        var co2 = SixLowPanContextOption.Read(buf);
        Assert.Equal((64, true, 3, (ushort)60), (co2.ContextLength, co2.Compression, co2.ContextId, co2.ValidLifetimeMinutes));
        Assert.Equal(prefix, co2.Prefix);
        Assert.Equal(24, new SixLowPanContextOption(80, false, 1, 1, prefix).Write(buf));
        Assert.Equal(3, buf[1]);

        var br = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var abro = new AuthoritativeBorderRouterOption(0x00020001, 10, br);
        Assert.Equal(24, abro.Write(buf));
        Assert.Equal(Packets.Hex("2303 0001 0002 000a"), buf[..8]);
        var abro2 = AuthoritativeBorderRouterOption.Read(buf);
        Assert.Equal(abro.Version, abro2.Version);
        Assert.Equal(br, abro2.BorderRouterAddress);
    }

    [Fact]
    public void Dar_and_dac_carry_a_valid_icmpv6_checksum()
    {
        var src = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var dst = IPAddress.Parse("2001:db8::2").GetAddressBytes();
        var reg = IPAddress.Parse("2001:db8::211:2233:4455:6677").GetAddressBytes();
        var buf = new byte[32];
        var dar = new DuplicateAddressMessage(false, 0, 300, 0x0011223344556677, reg);
        dar.Write(buf, src, dst);
        Assert.Equal(157, buf[0]);
        Assert.Equal(0, Ipv6.UpperLayerChecksum(src, dst, Ipv6.NextHeaderIcmpv6, buf));
        var back = DuplicateAddressMessage.Read(buf);
        Assert.Equal((false, (ushort)300, 0x0011223344556677UL), (back.IsConfirmation, back.RegistrationLifetimeMinutes, back.Eui64));
        Assert.Equal(reg, back.RegisteredAddress);
        new DuplicateAddressMessage(true, 1, 0, 5, reg).Write(buf, dst, src);
        Assert.Equal(158, buf[0]);
        Assert.True(DuplicateAddressMessage.Read(buf).IsConfirmation);
        buf[1] = 1;
        Assert.Throws<LowPanFormatException>(() => DuplicateAddressMessage.Read(buf));
    }
}
