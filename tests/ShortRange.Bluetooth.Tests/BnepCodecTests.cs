using CsCheck;
using ShortRange.Bluetooth.Bnep;

namespace ShortRange.Bluetooth.Tests;

public class BnepCodecTests
{
    private static byte[] H(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private const string Base = "00001000800000805F9B34FB";

    // BNEP v1.0 §2.6.3.1: Type 0x01 (BNEP_CONTROL), control 0x01, UUID size, destination UUID, source UUID (big-endian).
    [Theory]
    [InlineData("01 01 02 1116 1115", 2)]
    [InlineData("01 01 04 00001116 00001115", 4)]
    [InlineData("01 01 10 00001116" + Base + " 00001115" + Base, 16)]
    public void Setup_request_from_PANU_to_NAP_in_every_uuid_size(string hex, int size)
    {
        var bytes = H(hex);
        var m = Assert.IsType<BnepSetupConnectionRequest>(BnepCodec.DecodeControl(bytes));
        Assert.Equal(size, m.UuidSize);
        Assert.Equal(BnepRole.Nap, BnepServiceUuid.RoleOf(m.DestinationService!.Value));
        Assert.Equal(BnepRole.Panu, BnepServiceUuid.RoleOf(m.SourceService!.Value));
        Assert.Equal(bytes, BnepCodec.Encode(BnepSetupConnectionRequest.ForRoles(BnepRole.Nap, BnepRole.Panu, (byte)size)));
    }

    [Theory]
    [InlineData("01 02 0000", BnepSetupResponseCode.OperationSuccessful)]
    [InlineData("01 02 0001", BnepSetupResponseCode.InvalidDestinationServiceUuid)]
    [InlineData("01 02 0002", BnepSetupResponseCode.InvalidSourceServiceUuid)]
    [InlineData("01 02 0003", BnepSetupResponseCode.InvalidServiceUuidSize)]
    [InlineData("01 02 0004", BnepSetupResponseCode.ConnectionNotAllowed)]
    public void Setup_responses(string hex, BnepSetupResponseCode code)
    {
        var m = Assert.IsType<BnepSetupConnectionResponse>(BnepCodec.DecodeControl(H(hex)));
        Assert.Equal(code, m.Code);
        Assert.Equal(H(hex), BnepCodec.Encode(m));
    }

    [Fact]
    public void Filter_net_type_set_lists_ranges_with_a_byte_length()
    {
        // IPv4..ARP and IPv6 alone (§2.6.4.1): list length 8 octets.
        var bytes = H("01 03 0008 0800 0806 86DD 86DD");
        var m = Assert.IsType<BnepFilterNetTypeSet>(BnepCodec.DecodeControl(bytes));
        Assert.Equal([new BnepNetTypeRange(0x0800, 0x0806), new BnepNetTypeRange(0x86DD, 0x86DD)], m.Ranges);
        Assert.Equal(bytes, BnepCodec.Encode(m));
        Assert.Empty(Assert.IsType<BnepFilterNetTypeSet>(BnepCodec.DecodeControl(H("01 03 0000"))).Ranges);
    }

    [Fact]
    public void Filter_multi_addr_set_lists_address_ranges()
    {
        var bytes = H("01 05 000C 01005E000000 01005E7FFFFF");
        var m = Assert.IsType<BnepFilterMultiAddrSet>(BnepCodec.DecodeControl(bytes));
        Assert.Equal([new BnepMulticastRange(0x01005E000000, 0x01005E7FFFFF)], m.Ranges);
        Assert.Equal(bytes, BnepCodec.Encode(m));
    }

    [Fact]
    public void Filter_responses_and_command_not_understood()
    {
        Assert.Equal(BnepFilterResponseCode.UnsupportedRequest, Assert.IsType<BnepFilterNetTypeResponse>(BnepCodec.DecodeControl(H("01 04 0001"))).Code);
        Assert.Equal(BnepFilterResponseCode.TooManyFilters, Assert.IsType<BnepFilterMultiAddrResponse>(BnepCodec.DecodeControl(H("01 06 0003"))).Code);
        Assert.Equal(H("01 04 0000"), BnepCodec.Encode(new BnepFilterNetTypeResponse(BnepFilterResponseCode.OperationSuccessful)));
        Assert.Equal(H("01 06 0004"), BnepCodec.Encode(new BnepFilterMultiAddrResponse(BnepFilterResponseCode.SecurityReasons)));
        Assert.Equal(0x07, Assert.IsType<BnepCommandNotUnderstood>(BnepCodec.DecodeControl(H("01 00 07"))).UnknownControlType);
        Assert.Equal(H("01 00 2A"), BnepCodec.Encode(new BnepCommandNotUnderstood(0x2A)));
        Assert.Equal(0x07, Assert.IsType<BnepUnknownControl>(BnepCodec.DecodeControl(H("01 07"))).Type);
    }

    [Fact]
    public void Extension_flag_is_reported_and_trailing_extension_headers_ignored()
    {
        var bytes = H("81 02 0000 00 02 AABB");
        Assert.Equal((BnepConstants.BNEP_CONTROL, true), BnepCodec.ReadType(bytes));
        Assert.Equal(BnepSetupResponseCode.OperationSuccessful, Assert.IsType<BnepSetupConnectionResponse>(BnepCodec.DecodeControl(bytes)).Code);
        Assert.Equal((BnepConstants.BNEP_COMPRESSED_ETHERNET, false), BnepCodec.ReadType(H("02 0800")));
    }

    [Fact]
    public void Header_lengths_of_ethernet_packet_types()
    {
        Assert.Equal(14, BnepConstants.EthernetHeaderLength(BnepConstants.BNEP_GENERAL_ETHERNET));
        Assert.Equal(2, BnepConstants.EthernetHeaderLength(BnepConstants.BNEP_COMPRESSED_ETHERNET | BnepConstants.BNEP_EXTENSION_FLAG));
        Assert.Equal(8, BnepConstants.EthernetHeaderLength(BnepConstants.BNEP_COMPRESSED_ETHERNET_SOURCE_ONLY));
        Assert.Equal(8, BnepConstants.EthernetHeaderLength(BnepConstants.BNEP_COMPRESSED_ETHERNET_DEST_ONLY));
        Assert.Equal(-1, BnepConstants.EthernetHeaderLength(BnepConstants.BNEP_CONTROL));
    }

    [Fact]
    public void Unsupported_uuid_size_decodes_without_services_so_it_can_be_refused()
    {
        var m = Assert.IsType<BnepSetupConnectionRequest>(BnepCodec.DecodeControl(H("01 01 03 111111 151515")));
        Assert.Equal(3, m.UuidSize);
        Assert.Null(m.DestinationService);
        Assert.Equal(BnepSetupResponseCode.InvalidServiceUuidSize, BnepSetup.Check(m, BnepRole.Nap));
    }

    [Theory]
    [InlineData("")]                               // nothing
    [InlineData("01")]                             // control without a control type
    [InlineData("00 01 02 1116 1115")]             // BNEP_GENERAL_ETHERNET is not a control packet
    [InlineData("01 00")]                          // command not understood without the type
    [InlineData("01 01")]                          // setup request without UUID size
    [InlineData("01 01 10 00001116")]              // 16-octet UUIDs announced, 4 present
    [InlineData("01 01 02 1116")]                  // source UUID missing
    [InlineData("01 02 00")]                       // response truncated
    [InlineData("01 03 FFFF 0800 0806")]           // list length far beyond the packet
    [InlineData("01 03 0006 0800 0806 86DD")]      // not a multiple of 4
    [InlineData("01 05 000C 01005E000000")]        // one address of the range missing
    [InlineData("01 05 0006 01005E000000")]        // not a multiple of 12
    [InlineData("01 04")]                          // filter response without code
    public void Hostile_or_truncated_packets_are_rejected(string hex)
    {
        Assert.Throws<BnepFormatException>(() => BnepCodec.DecodeControl(H(hex)));
    }

    [Fact]
    public void Random_bytes_either_decode_or_raise_BnepFormatException()
    {
        Gen.Byte.Array[0, 64].Sample(bytes =>
        {
            try
            {
                var m = BnepCodec.DecodeControl(bytes);
                Assert.NotNull(m);
            }
            catch (BnepFormatException)
            {
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Generated_filter_messages_round_trip()
    {
        Gen.Select(Gen.UShort, Gen.UShort).Select(t => new BnepNetTypeRange(t.Item1, t.Item2)).Array[0, 20].Sample(ranges =>
        {
            var bytes = BnepCodec.Encode(new BnepFilterNetTypeSet(ranges));
            Assert.Equal(ranges, Assert.IsType<BnepFilterNetTypeSet>(BnepCodec.DecodeControl(bytes)).Ranges);
        });
        Gen.Select(Gen.ULong[0, 0xFFFF_FFFF_FFFF], Gen.ULong[0, 0xFFFF_FFFF_FFFF]).Select(t => new BnepMulticastRange(t.Item1, t.Item2)).Array[0, 20]
            .Sample(ranges =>
            {
                var bytes = BnepCodec.Encode(new BnepFilterMultiAddrSet(ranges));
                Assert.Equal(ranges, Assert.IsType<BnepFilterMultiAddrSet>(BnepCodec.DecodeControl(bytes)).Ranges);
            });
    }

    [Fact]
    public void Response_code_names_follow_the_spec()
    {
        Assert.Equal("Operation Failed: Connection Not Allowed", BnepResponseNames.Name(BnepSetupResponseCode.ConnectionNotAllowed));
        Assert.Equal("Operation Failed: Invalid Service UUID Size", BnepResponseNames.Name(BnepSetupResponseCode.InvalidServiceUuidSize));
        Assert.Equal("Reserved (0x0009)", BnepResponseNames.Name((BnepSetupResponseCode)9));
        var e = new BnepSetupRefusedException(BnepSetupResponseCode.InvalidSourceServiceUuid, byPeer: true);
        Assert.Contains("by the peer: 0x0002 Operation Failed: Invalid Source Service UUID", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BnepRole.Nap, "1116", "1115", BnepSetupResponseCode.OperationSuccessful)]
    [InlineData(BnepRole.Gn, "1117", "1115", BnepSetupResponseCode.OperationSuccessful)]
    [InlineData(BnepRole.Panu, "1115", "1116", BnepSetupResponseCode.OperationSuccessful)]
    [InlineData(BnepRole.Nap, "1117", "1115", BnepSetupResponseCode.InvalidDestinationServiceUuid)]
    [InlineData(BnepRole.Nap, "1116", "1116", BnepSetupResponseCode.InvalidSourceServiceUuid)]
    [InlineData(BnepRole.Nap, "1116", "180F", BnepSetupResponseCode.InvalidSourceServiceUuid)]
    [InlineData(BnepRole.Panu, "1115", "1200", BnepSetupResponseCode.InvalidSourceServiceUuid)]
    public void Setup_check_allows_only_the_pan_scenarios(BnepRole served, string dst, string src, BnepSetupResponseCode expected)
    {
        var request = Assert.IsType<BnepSetupConnectionRequest>(BnepCodec.DecodeControl(H("01 01 02" + dst + src)));
        Assert.Equal(expected, BnepSetup.Check(request, served));
    }
}
