using System.Threading.Channels;
using ShortRange.Nfc.Llcp;

namespace ShortRange.Nfc.Tests.Llcp;

/// <summary>
/// Two connected in-memory LLCP endpoints that behave like the kernel's SOCK_STREAM LLCP sockets: a send is split into
/// I PDUs of at most the receiver's MIU, and a receive returns the data of at most one PDU (the rest of a PDU stays for
/// the next receive). Records every PDU each side sent.
/// </summary>
internal sealed class InMemoryLlcpLink : ILlcpConnection
{
    private readonly Channel<byte[]> _in;
    private readonly Channel<byte[]> _out;
    private byte[]? _partial;
    private int _partialOffset;

    private InMemoryLlcpLink(Channel<byte[]> @in, Channel<byte[]> @out, int remoteMiu)
    {
        _in = @in;
        _out = @out;
        RemoteMiu = remoteMiu;
    }

    public static (InMemoryLlcpLink A, InMemoryLlcpLink B) CreatePair(int miu = 128)
    {
        var ab = Channel.CreateUnbounded<byte[]>();
        var ba = Channel.CreateUnbounded<byte[]>();
        return (new InMemoryLlcpLink(ba, ab, miu), new InMemoryLlcpLink(ab, ba, miu));
    }

    public int RemoteMiu { get; }

    public List<byte[]> SentPdus { get; } = [];

    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        for (int pos = 0; pos < data.Length; pos += RemoteMiu)
        {
            var pdu = data.Slice(pos, Math.Min(RemoteMiu, data.Length - pos)).ToArray();
            lock (SentPdus) SentPdus.Add(pdu);
            if (!_out.Writer.TryWrite(pdu)) throw new InvalidOperationException("link closed");
        }
        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_partial is null)
        {
            if (!await _in.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) return 0;
            if (!_in.Reader.TryRead(out _partial)) return 0;
            _partialOffset = 0;
        }
        int n = Math.Min(buffer.Length, _partial.Length - _partialOffset);
        _partial.AsSpan(_partialOffset, n).CopyTo(buffer.Span);
        _partialOffset += n;
        if (_partialOffset == _partial.Length) _partial = null;
        return n;
    }

    /// <summary>Closes the sending direction (the peer's receives return 0 after the queued PDUs).</summary>
    public void Dispose() => _out.Writer.TryComplete();
}
