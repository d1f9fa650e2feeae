using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;

namespace ShortRange.Nfc.Snep;

/// <summary>
/// Reading and writing whole SNEP messages over an LLCP connection with the fragmentation rules of SNEP 1.0 section 5.1:
/// a message longer than the peer's MIU goes out as a first fragment, then the rest only after the receiver answered
/// Continue (a Reject ends it). The receiver checks the announced length against its limit before allocating anything.
/// </summary>
internal static class SnepExchange
{
    /// <summary>Receive buffer: one I PDU (MIU ≤ 128 + 2047) fits.</summary>
    private const int ReceiveBufferSize = 4096;

    /// <summary>
    /// Reads one message. Returns null on a clean end of the connection before any byte of a message. After the first
    /// fragment, when the information is incomplete, calls <paramref name="sendContinue"/> and reads the rest.
    /// Throws <see cref="SnepProtocolException"/> with <see cref="SnepProtocolException.Code"/> UnsupportedVersion or
    /// ExcessData (length over <paramref name="maxLength"/>, nothing allocated) or BadRequest (trailing bytes).
    /// </summary>
    public static async Task<(SnepHeader Header, byte[] Information)?> ReadAsync(ILlcpConnection connection, uint maxLength,
        Func<ValueTask> sendContinue, CancellationToken ct)
    {
        var buf = new byte[ReceiveBufferSize];
        int have = 0;
        while (have < SnepHeader.Size)
        {
            int n = await connection.ReceiveAsync(buf.AsMemory(have), ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (have == 0) return null;
                throw new SnepProtocolException($"connection closed inside a SNEP header ({have} of {SnepHeader.Size} bytes)");
            }
            have += n;
        }
        var header = SnepHeader.Read(buf.AsSpan(0, have), maxLength); // validates version and length before allocating
        int inFirst = have - SnepHeader.Size;
        if (inFirst > header.Length)
            throw new SnepProtocolException($"SNEP fragment carries {inFirst - header.Length} bytes beyond its length {header.Length}",
                (byte)SnepCode.BadRequest);
        var info = new byte[header.Length];
        buf.AsSpan(SnepHeader.Size, inFirst).CopyTo(info);
        int got = inFirst;
        if (got < info.Length)
        {
            await sendContinue().ConfigureAwait(false);
            while (got < info.Length)
            {
                int n = await connection.ReceiveAsync(info.AsMemory(got), ct).ConfigureAwait(false);
                if (n == 0) throw new SnepProtocolException($"connection closed after {got} of {info.Length} SNEP information bytes");
                got += n;
            }
        }
        return (header, info);
    }

    /// <summary>
    /// Sends a complete message: at once when it fits the peer's MIU; otherwise the first fragment, then
    /// <paramref name="awaitContinue"/> (which throws on Reject or anything else), then the rest.
    /// </summary>
    public static async Task SendAsync(ILlcpConnection connection, ReadOnlyMemory<byte> message, Func<Task> awaitContinue, CancellationToken ct)
    {
        int miu = Math.Max(connection.RemoteMiu, SnepHeader.Size);
        if (message.Length <= miu)
        {
            await connection.SendAsync(message, ct).ConfigureAwait(false);
            return;
        }
        await connection.SendAsync(message[..miu], ct).ConfigureAwait(false);
        await awaitContinue().ConfigureAwait(false);
        await connection.SendAsync(message[miu..], ct).ConfigureAwait(false);
    }
}
