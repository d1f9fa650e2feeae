using System.Threading.Channels;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>An ATT peer driven by the test in raw PDUs (the bytes come from the spec tables, not from our encoder).</summary>
internal sealed class ScriptedPeer : IAttTransport
{
    private readonly Channel<byte[]> _toBearer = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _fromBearer = Channel.CreateUnbounded<byte[]>();

    public bool Disposed { get; private set; }
    public bool HasNext => _fromBearer.Reader.TryPeek(out _);

    public void Send(params byte[] pdu) => _toBearer.Writer.TryWrite(pdu);
    public void Close() => _toBearer.Writer.TryComplete();

    /// <summary>The socket's receive fails with <paramref name="error"/> (as the kernel's sk_err surfaces).</summary>
    public void Fail(Exception error) => _toBearer.Writer.TryComplete(error);
    public async Task<byte[]> NextAsync() => await _fromBearer.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    public ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken) =>
        _fromBearer.Writer.WriteAsync(pdu.ToArray(), cancellationToken);

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!await _toBearer.Reader.WaitToReadAsync(cancellationToken)) return 0;
        var pdu = await _toBearer.Reader.ReadAsync(cancellationToken);
        pdu.CopyTo(buffer);
        return pdu.Length;
    }

    public void Dispose()
    {
        Disposed = true;
        _toBearer.Writer.TryComplete();
    }
}
