using ShortRange.LowPan.Ieee802154;
using ShortRange.LowPan.SixLowPan;
using ShortRange.LowPan.SixLowPan.Fragmentation;
using ShortRange.LowPan.SixLowPan.Iphc;

namespace ShortRange.LowPan.Tests;

/// <summary>
/// Compressed header size against Linux 6.1's net/6lowpan on frames its lowpan1 sent in the lab (mac802154_hwsim,
/// captured on wpan0 by KernelLowPanInteropHwTests): UDP from the kernel's socket, 8- and 1232-byte payloads, link-local
/// and global addresses. The kernel sent from a short address (0x0042) with an EUI-64-based IPv6 source, and with an
/// automatic flow label (net.ipv6.auto_flowlabels), so TF=01 and SAM=01 carry inline bytes on both sides.
/// </summary>
public class KernelHeaderSizeTests
{
    [Theory]
    [InlineData("link-local, 8 B", 20, "418C33EFBE82C120EBD57E713242006E1303482604231AA6EB06A401F0CF7A1B58FB53762744097884E034")]
    [InlineData("global, 8 B", 44, "418C3AEFBE82C120EBD57E713242006E000E1A3E20010DB800000000000000000000000120010DB8000000000000000000000002F0C5261B58B0F0762744097884E034")]
    [InlineData("link-local, 1232 B (FRAG1)", 20, "418C42EFBE82C120EBD57E71324200C50000006E130FB5D604231AA6EB06A401F0AED11B58F1208EE6D3E6F97A3C32F6AD4097B40AEA89417816689BC7D61ED586884C67236AC1D9FF574B5BEBDF6BF654B3A8A8210EEE1D2BAD0305F010C710B51172F2F0CAD3437EBDB4B29F2D5599AA7246142D75B3")]
    [InlineData("global, 1232 B (FRAG1)", 44, "418C57EFBE82C120EBD57E71324200C50000006E000295DD20010DB800000000000000000000000120010DB8000000000000000000000002F083EB1B58C74F8EE6D3E6F97A3C32F6AD4097B40AEA89417816689BC7D61ED586884C67236AC1D9FF574B5BEBDF6BF654B3A8A8210EEE1D2BAD0305F010C7")]
    public void Our_header_is_never_larger_than_the_kernels(string @case, int kernelBytes, string frameHex)
    {
        var frame = MacFrame.Parse(Convert.FromHexString(frameHex));
        var payload = frame.Payload;
        int datagramSize = 0;
        if (Dispatch.Classify(payload[0]) == DispatchKind.Frag1)
        {
            datagramSize = FragmentHeader.Read(payload).DatagramSize;
            payload = payload[FragmentHeader.Frag1Length..];
        }
        var packet = new byte[Math.Max(datagramSize, 1280)];
        var r = IphcDecoder.Decompress(payload, frame.Header.Source, frame.Header.Destination, null, packet, datagramSize);
        Assert.Equal(kernelBytes, r.Consumed);
        int length = datagramSize > 0 ? datagramSize : r.Written + payload.Length - r.Consumed;
        payload[r.Consumed..].CopyTo(packet.AsSpan(r.Written));

        var ours = new byte[IphcEncoder.MaxBaseHeaderLength + 16];
        int h = IphcEncoder.Compress(packet.AsSpan(0, length), frame.Header.Source, frame.Header.Destination, null, ours, out int consumed);
        Assert.Equal(r.Written, consumed);
        Assert.True(h <= r.Consumed, $"{@case}: ours {h} B, kernel {r.Consumed} B");
        // And it decodes back to the same header the kernel's bytes gave.
        var again = new byte[1280];
        var r2 = IphcDecoder.Decompress(ours.AsSpan(0, h), frame.Header.Source, frame.Header.Destination, null, again, length);
        Assert.Equal(packet.AsSpan(0, r.Written).ToArray(), again.AsSpan(0, r2.Written).ToArray());
    }
}
