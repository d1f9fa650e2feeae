using ShortRange.Bluetooth.Att;
using ShortRange.Bluetooth.L2cap;

namespace ShortRange.Bluetooth.Tests.Att;

/// <summary>
/// A <see cref="ScriptedPeer"/> whose link security can be "raised": records each raise and answers as told. With
/// <c>encryptsLater</c> it behaves like the kernel's LE ATT socket after BT_SECURITY (l2cap_sock_sendmsg in BT_CONFIG):
/// sends fail with ENOTCONN until <see cref="FinishEncryption"/> is called, and the raise completes only then.
/// </summary>
internal sealed class SecureScriptedPeer(ScriptedPeer peer, bool canRaise, bool kernelRefuses = false, bool encryptsLater = false) : IAttSecurityTransport
{
    private const int ENOTCONN = 107;   // asm-generic/errno.h
    private readonly TaskCompletionSource _encrypted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _encrypting;

    public List<AttErrorCode> Raised { get; } = [];
    public TaskCompletionSource RaiseAsked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int SendsRefused { get; private set; }

    public void FinishEncryption()
    {
        _encrypting = false;
        _encrypted.TrySetResult();
    }

    public async ValueTask<bool> RaiseSecurityAsync(AttErrorCode reason, CancellationToken cancellationToken)
    {
        Raised.Add(reason);
        if (kernelRefuses) throw new L2capException("setsockopt BT_SECURITY", 22);
        if (canRaise && encryptsLater)
        {
            _encrypting = true;
            RaiseAsked.TrySetResult();
            await _encrypted.Task.WaitAsync(cancellationToken);
        }
        return canRaise;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken)
    {
        if (!_encrypting) return peer.SendAsync(pdu, cancellationToken);
        SendsRefused++;
        return ValueTask.FromException(new L2capException("send", ENOTCONN));
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => peer.ReceiveAsync(buffer, cancellationToken);
    public void Dispose() => peer.Dispose();
}
