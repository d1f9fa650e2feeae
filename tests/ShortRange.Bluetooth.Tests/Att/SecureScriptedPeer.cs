using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>A <see cref="ScriptedPeer"/> whose link security can be "raised": records each request and answers as told.</summary>
internal sealed class SecureScriptedPeer(ScriptedPeer peer, bool canRaise, bool kernelRefuses = false) : IAttSecurityTransport
{
    public List<AttErrorCode> Raised { get; } = [];

    public bool TryRaiseSecurity(AttErrorCode reason)
    {
        Raised.Add(reason);
        return kernelRefuses ? throw new ShortRange.Bluetooth.L2cap.L2capException("setsockopt BT_SECURITY", 22) : canRaise;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken) => peer.SendAsync(pdu, cancellationToken);
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => peer.ReceiveAsync(buffer, cancellationToken);
    public void Dispose() => peer.Dispose();
}
