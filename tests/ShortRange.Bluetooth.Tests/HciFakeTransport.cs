using System.Threading.Channels;
using ShortRange.Bluetooth.Hci;

namespace ShortRange.Bluetooth.Tests;

/// <summary>In-memory kernel side of an HCI raw socket: records what the channel sent and the filters it set; tests inject datagrams.</summary>
internal sealed class HciFakeTransport : IHciTransport
{
    private readonly Channel<byte[]> _toClient = Channel.CreateUnbounded<byte[]>();
    public Channel<HciCommandPacket> Sent { get; } = Channel.CreateUnbounded<HciCommandPacket>();
    public List<HciFilter> Filters { get; } = [];
    public Func<HciCommandPacket, IEnumerable<byte[]>>? Responder { get; set; }
    public bool Disposed { get; private set; }

    public string Adapter => "hci9";

    public void Inject(byte[] datagram) => _toClient.Writer.TryWrite(datagram);
    public void CloseFromKernel() => _toClient.Writer.TryComplete();

    public ValueTask SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        Assert.Equal(HciPacketType.HCI_COMMAND_PKT, datagram.Span[0]);
        var p = HciCommandPacket.Decode(datagram.Span[1..]);
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

    public void SetFilter(HciFilter filter)
    {
        lock (Filters) Filters.Add(filter);
    }

    public HciFilter LastFilter { get { lock (Filters) return Filters[^1]; } }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _toClient.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    /// <summary>Command Complete datagram: indicator, 0x0E, length, Num_HCI_Command_Packets, opcode, return parameters.</summary>
    public static byte[] Complete(ushort opcode, byte credits, params byte[] ret) =>
        new HciEventPacket(HciEventCode.HCI_Command_Complete, (byte[])[credits, (byte)opcode, (byte)(opcode >> 8), .. ret]).ToDatagram();

    public static byte[] Status(ushort opcode, HciStatus status, byte credits = 1) =>
        new HciEventPacket(HciEventCode.HCI_Command_Status, (byte[])[(byte)status, credits, (byte)opcode, (byte)(opcode >> 8)]).ToDatagram();
}
