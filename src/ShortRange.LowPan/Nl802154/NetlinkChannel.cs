using System.Net.Sockets;
using System.Runtime.InteropServices;
using ShortRange.Linux.Sockets;
using ShortRange.LowPan.Errors;
using ShortRange.LowPan.Interop;

namespace ShortRange.LowPan.Nl802154;

/// <summary>
/// A minimal netlink request/response channel (one socket, one request at a time). Stands in until
/// ShortRange.Linux exposes its generic netlink client; the message codecs above stay the same.
/// </summary>
internal sealed class NetlinkChannel : IDisposable
{
    private readonly Socket _socket;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private uint _sequence = (uint)Environment.TickCount;

    private NetlinkChannel(Socket socket) => _socket = socket;

    public static unsafe NetlinkChannel Open(int protocol)
    {
        int fd = PacketInterop.socket(NetlinkConstants.AF_NETLINK, PacketInterop.SOCK_RAW | PacketInterop.SOCK_CLOEXEC, protocol);
        if (fd < 0) throw new LowPanSystemException("socket(AF_NETLINK)", Marshal.GetLastPInvokeError());
        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            Span<byte> sa = stackalloc byte[NetlinkSocketAddress.SizeOf];
            new NetlinkSocketAddress().WriteTo(sa);
            fixed (byte* p = sa)
                if (PacketInterop.bind(fd, p, sa.Length) < 0) throw new LowPanSystemException("bind(AF_NETLINK)", Marshal.GetLastPInvokeError());
            return new NetlinkChannel(new Socket(handle));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public uint NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>Sends a request and collects the reply messages up to the ACK / NLMSG_DONE. Kernel errors throw <see cref="LowPanSystemException"/>.</summary>
    public async Task<List<NetlinkReply>> RequestAsync(byte[] request, string operation, CancellationToken cancellationToken)
    {
        uint seq = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8));
        bool dump = (System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6)) & NetlinkConstants.NLM_F_DUMP) == NetlinkConstants.NLM_F_DUMP;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var result = new List<NetlinkReply>();
            var buffer = new byte[32768];
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                foreach (var m in NetlinkReply.Split(buffer.AsSpan(0, n)))
                {
                    if (m.Sequence != seq) continue;
                    if (m.Type == NetlinkConstants.NLMSG_ERROR)
                    {
                        if (m.Errno != 0) throw new LowPanSystemException(operation, m.Errno);
                        return result;
                    }
                    if (m.Type == NetlinkConstants.NLMSG_DONE) return result;
                    result.Add(m);
                    if (!dump && (m.Flags & NetlinkConstants.NLM_F_MULTI) == 0 && (System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6)) & NetlinkConstants.NLM_F_ACK) == 0)
                        return result;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _gate.Dispose();
    }
}
