using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

/// <summary>
/// `lowpan decode` against frames and packets built by scapy (Vectors/*.py, python3-scapy 2.5.0), not by ShortRange:
/// the expected output is scapy's own IPv6 packet, byte for byte.
/// </summary>
public class LowPanDecodeTests
{
    // IPHC (TF=3, NH inline, HLIM=64, SAM=DAM=3) UDP 61616 → 5683 "hello", extended addresses, PAN 0xbeef.
    private const string UdpFrame = "41cc07efbe7766554433221100ffeeddccbbaa99887a3311f0b01633000df7d868656c6c6f";
    private const string UdpPacket = "60000000000d1140fe800000000000008a99aabbccddeefffe800000000000000211223344556677f0b01633000df7d868656c6c6f";
    // ICMPv6 echo request to ff02::1 (M=1, DAM=3), broadcast MAC destination.
    private const string EchoFrame = "41c809efbeffffffeeddccbbaa99887b3b3a0180009ffb1234000170696e67";
    private const string EchoPacket = "60000000000c3afffe800000000000008a99aabbccddeeffff02000000000000000000000000000180009ffb1234000170696e67";

    // A 198-byte UDP datagram in three RFC 4944 fragments: uncompressed (dispatch 0x41, tag 0x1234) and IPHC (tag 0x0777).
    private const string BigPacket = "60000000009e1140fe800000000000008a99aabbccddeefffe800000000000000211223344556677f0b01633009e539500070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c13";
    private static readonly string[] Uncompressed =
    [
        "41cc14efbe7766554433221100ffeeddccbbaa9988c0c612344160000000009e1140fe800000000000008a99aabbccddeefffe800000000000000211223344556677f0b01633009e539500070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11",
        "41cc15efbe7766554433221100ffeeddccbbaa9988e0c612340b181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41",
        "41cc16efbe7766554433221100ffeeddccbbaa9988e0c6123415484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c13",
    ];
    private static readonly string[] Compressed =
    [
        "41cc1eefbe7766554433221100ffeeddccbbaa9988c0c607777a3311f0b01633009e539500070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b4249",
        "41cc1fefbe7766554433221100ffeeddccbbaa9988e0c607770c50575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b7279",
        "41cc20efbe7766554433221100ffeeddccbbaa9988e0c607771680878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c13",
    ];

    [Fact]
    public async Task Hex_format_prints_each_completed_packet_on_its_own_line()
    {
        var r = await ToolRunner.RunAsync(["lowpan", "decode", "--format", "hex", UdpFrame, EchoFrame]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal(UdpPacket + "\n" + EchoPacket + "\n", r.Out);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public async Task Text_format_is_a_header_dump()
    {
        var r = await ToolRunner.RunAsync(["lowpan", "decode", UdpFrame, EchoFrame]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal(
            "IPv6 fe80::8a99:aabb:ccdd:eeff > fe80::211:2233:4455:6677 tc=0 flow=0x00000 plen=13 nh=udp hlim=64 | UDP 61616 > 5683 len=13 csum=0xf7d8\n" +
            "IPv6 fe80::8a99:aabb:ccdd:eeff > ff02::1 tc=0 flow=0x00000 plen=12 nh=icmpv6 hlim=255 | ICMPv6 type=128 code=0 csum=0x9ffb\n", r.Out);
    }

    [Fact]
    public async Task Fragments_are_reassembled_into_one_packet()
    {
        var r = await ToolRunner.RunAsync(["lowpan", "decode", "--format", "hex", .. Uncompressed, .. Compressed]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal(BigPacket + "\n" + BigPacket + "\n", r.Out);
    }

    [Fact]
    public async Task Interleaved_datagrams_complete_independently()
    {
        string[] frames = [Uncompressed[0], Compressed[0], UdpFrame, Uncompressed[1], Compressed[1], Compressed[2], Uncompressed[2]];
        var r = await ToolRunner.RunAsync(["lowpan", "decode", "--format", "hex", .. frames]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal(UdpPacket + "\n" + BigPacket + "\n" + BigPacket + "\n", r.Out);
    }

    [Fact]
    public async Task Missing_fragment_prints_nothing_and_says_so()
    {
        var r = await ToolRunner.RunAsync(["lowpan", "decode", "--format", "hex", Uncompressed[0], Uncompressed[2]]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Equal("1 datagram(s) incomplete: fragments missing", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task Frames_without_ipv6_are_skipped()
    {
        // An acknowledgment frame (frame type 2, sequence 5): nothing to decode, not an error.
        var r = await ToolRunner.RunAsync(["lowpan", "decode", "020005", UdpFrame, "--format", "hex"]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal(UdpPacket + "\n", r.Out);
        Assert.StartsWith("frame 1: skipped: ", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_frame_fails_but_the_others_still_decode()
    {
        var r = await ToolRunner.RunAsync(["lowpan", "decode", "--format", "hex", UdpFrame[..20], EchoFrame]);
        Assert.Equal(ExitCodes.Failure, r.ExitCode);
        Assert.Equal(EchoPacket + "\n", r.Out);
        Assert.StartsWith("frame 1: malformed: ", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_hex_is_a_usage_error_naming_the_frame()
    {
        var r = await ToolRunner.RunAsync(["lowpan", "decode", UdpFrame, "41cg"]);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.StartsWith("FRAME 2 is not hex", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }
}
