using System.Threading.Channels;
using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.Bluetooth.Tests;

/// <summary>In-memory kernel side of a mgmt socket: tests read what the client sent and inject datagrams.</summary>
internal sealed class FakeMgmtTransport : IMgmtTransport
{
    private readonly Channel<byte[]> _toClient = Channel.CreateUnbounded<byte[]>();
    public Channel<MgmtPacket> Sent { get; } = Channel.CreateUnbounded<MgmtPacket>();
    public Func<MgmtPacket, IEnumerable<byte[]>>? Responder { get; set; }
    public bool Disposed { get; private set; }

    public void Inject(byte[] datagram) => _toClient.Writer.TryWrite(datagram);
    public void Inject(ushort code, ushort index, params byte[] parameters) => Inject(new MgmtPacket(code, index, parameters).ToArray());
    public void CloseFromKernel() => _toClient.Writer.TryComplete();

    public ValueTask SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        var p = MgmtPacket.Decode(packet.Span);
        Sent.Writer.TryWrite(p);
        if (Responder is { } r) foreach (var d in r(p)) Inject(d);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            var d = await _toClient.Reader.ReadAsync(cancellationToken);
            d.CopyTo(buffer);
            return d.Length;
        }
        catch (ChannelClosedException) { return 0; }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _toClient.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public static byte[] Complete(ushort opcode, ushort index, MgmtStatus status, params byte[] ret)
    {
        var p = new byte[3 + ret.Length];
        p[0] = (byte)opcode; p[1] = (byte)(opcode >> 8); p[2] = (byte)status;
        ret.CopyTo(p, 3);
        return new MgmtPacket(MgmtEventCode.MGMT_EV_CMD_COMPLETE, index, p).ToArray();
    }

    public static byte[] Status(ushort opcode, ushort index, MgmtStatus status) =>
        new MgmtPacket(MgmtEventCode.MGMT_EV_CMD_STATUS, index, new byte[] { (byte)opcode, (byte)(opcode >> 8), (byte)status }).ToArray();
}
