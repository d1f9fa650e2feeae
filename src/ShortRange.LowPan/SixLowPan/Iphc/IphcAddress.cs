using ShortRange.LowPan.Ieee802154;

namespace ShortRange.LowPan.SixLowPan.Iphc;

/// <summary>
/// Unicast address rows of RFC 6282 §3.1.1 (SAC/SAM and M=0 DAC/DAM share them): how many bytes are inline
/// and how the rest is rebuilt from fe80::/64 or a context prefix plus the link-layer address.
/// </summary>
internal static class IphcAddress
{
    public static int InlineLength(int mode) => mode switch { 0 => 16, 1 => 8, 2 => 2, _ => 0 };

    /// <summary>Rebuilds an address. Returns false when the mode needs a link-layer address and there is none.</summary>
    public static bool Reconstruct(CompressionContext? context, bool stateful, int mode, ReadOnlySpan<byte> inline, in MacAddress linkAddress, Span<byte> address)
    {
        if (!stateful && mode == 0)
        {
            inline[..16].CopyTo(address);
            return true;
        }
        address.Clear();
        if (!stateful)
        {
            address[0] = 0xFE;
            address[1] = 0x80;
        }
        switch (mode)
        {
            case 1:
                inline[..8].CopyTo(address[8..]);
                break;
            case 2:
                address[11] = 0xFF;
                address[12] = 0xFE;
                address[14] = inline[0];
                address[15] = inline[1];
                break;
            case 3:
                if (linkAddress.Mode is not (AddressingMode.Short or AddressingMode.Extended)) return false;
                linkAddress.WriteInterfaceIdentifier(address[8..]);
                break;
        }
        context?.Overlay(address);
        return true;
    }

    private static bool IsLinkLocalPrefix(ReadOnlySpan<byte> a) =>
        a[0] == 0xFE && a[1] == 0x80 && a[2] == 0 && a[3] == 0 && a[4] == 0 && a[5] == 0 && a[6] == 0 && a[7] == 0;

    /// <summary>Chooses the shortest encoding of a unicast address; writes its inline bytes.</summary>
    public static int Compress(ReadOnlySpan<byte> address, in MacAddress linkAddress, ContextTable? contexts, Span<byte> inline,
        out int mode, out bool stateful, out int cid)
    {
        cid = 0;
        if (IsLinkLocalPrefix(address) && TryModes(null, false, address, linkAddress, out mode))
        {
            stateful = false;
            return WriteInline(address, mode, inline);
        }
        if (contexts is not null)
        {
            int bestMode = 0, bestCid = -1;
            for (int i = 0; i < ContextTable.MaxContexts; i++)
            {
                var ctx = contexts[i];
                if (ctx is null || !ctx.CompressionAllowed || !ctx.Covers(address)) continue;
                if (TryModes(ctx, true, address, linkAddress, out int m) && (bestCid < 0 || m > bestMode))
                {
                    bestMode = m;
                    bestCid = i;
                    if (m == 3) break;
                }
            }
            if (bestCid >= 0)
            {
                mode = bestMode;
                stateful = true;
                cid = bestCid;
                return WriteInline(address, mode, inline);
            }
        }
        mode = 0;
        stateful = false;
        return WriteInline(address, 0, inline);
    }

    private static bool TryModes(CompressionContext? ctx, bool stateful, ReadOnlySpan<byte> address, in MacAddress ll, out int mode)
    {
        Span<byte> candidate = stackalloc byte[16];
        for (mode = 3; mode >= 1; mode--)
        {
            var inlineSource = mode switch { 1 => address[8..], 2 => address[14..], _ => default };
            if (Reconstruct(ctx, stateful, mode, inlineSource, ll, candidate) && candidate.SequenceEqual(address))
                return true;
        }
        return false;
    }

    private static int WriteInline(ReadOnlySpan<byte> address, int mode, Span<byte> inline)
    {
        switch (mode)
        {
            case 0: address.CopyTo(inline); return 16;
            case 1: address[8..].CopyTo(inline); return 8;
            case 2: address[14..].CopyTo(inline); return 2;
            default: return 0;
        }
    }

    /// <summary>Multicast rows (M=1) of RFC 6282 §3.1.1. Returns the DAM, the inline bytes, and the context used (DAC=1, DAM=00).</summary>
    public static int CompressMulticast(ReadOnlySpan<byte> a, ContextTable? contexts, Span<byte> inline, out int mode, out bool stateful, out int cid)
    {
        stateful = false;
        cid = 0;
        // DAM=11: ff02::00XX
        if (a[1] == 0x02 && a[2..15].IndexOfAnyExcept((byte)0) < 0)
        {
            mode = 3;
            inline[0] = a[15];
            return 1;
        }
        // DAM=10: ffXX::00XX:XXXX
        if (a[2..13].IndexOfAnyExcept((byte)0) < 0)
        {
            mode = 2;
            inline[0] = a[1];
            a[13..16].CopyTo(inline[1..]);
            return 4;
        }
        // DAM=01: ffXX::00XX:XXXX:XXXX
        if (a[2..11].IndexOfAnyExcept((byte)0) < 0)
        {
            mode = 1;
            inline[0] = a[1];
            a[11..16].CopyTo(inline[1..]);
            return 6;
        }
        // DAC=1 DAM=00: ffXX:XXLL:PPPP:PPPP:PPPP:PPPP:XXXX:XXXX, unicast-prefix-based (RFC 3306) with L and P from a context.
        if (contexts is not null && a[3] <= 64)
        {
            Span<byte> candidate = stackalloc byte[16];
            for (int i = 0; i < ContextTable.MaxContexts; i++)
            {
                var ctx = contexts[i];
                if (ctx is null || !ctx.CompressionAllowed || ctx.PrefixLength != a[3]) continue;
                ReconstructMulticast(ctx, true, 0, [a[1], a[2], a[12], a[13], a[14], a[15]], candidate);
                if (candidate.SequenceEqual(a))
                {
                    mode = 0;
                    stateful = true;
                    cid = i;
                    inline[0] = a[1];
                    inline[1] = a[2];
                    a[12..16].CopyTo(inline[2..]);
                    return 6;
                }
            }
        }
        mode = 0;
        a.CopyTo(inline);
        return 16;
    }

    public static int MulticastInlineLength(bool stateful, int mode) => stateful ? 6 : mode switch { 0 => 16, 1 => 6, 2 => 4, _ => 1 };

    public static void ReconstructMulticast(CompressionContext? ctx, bool stateful, int mode, ReadOnlySpan<byte> inline, Span<byte> a)
    {
        a.Clear();
        a[0] = 0xFF;
        if (stateful)
        {
            a[1] = inline[0];
            a[2] = inline[1];
            a[3] = (byte)ctx!.PrefixLength;
            int bytes = (ctx.PrefixLength + 7) / 8;
            ctx.Prefix.AsSpan(0, bytes).CopyTo(a[4..]);
            if (ctx.PrefixLength % 8 != 0)
                a[4 + bytes - 1] &= (byte)(0xFF << (8 - ctx.PrefixLength % 8));
            inline.Slice(2, 4).CopyTo(a[12..]);
            return;
        }
        switch (mode)
        {
            case 0: inline[..16].CopyTo(a); break;
            case 1: a[1] = inline[0]; inline.Slice(1, 5).CopyTo(a[11..]); break;
            case 2: a[1] = inline[0]; inline.Slice(1, 3).CopyTo(a[13..]); break;
            default: a[1] = 0x02; a[15] = inline[0]; break;
        }
    }
}
