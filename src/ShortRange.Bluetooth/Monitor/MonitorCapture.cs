using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Monitor;

/// <summary>
/// Captures the traffic of every controller from the HCI monitor channel (needs CAP_NET_RAW) and writes it to a
/// btsnoop file until cancelled. Malformed frames are logged and counted, never written.
/// </summary>
public sealed partial class MonitorCapture
{
    private readonly ILogger _logger;

    public MonitorCapture(ILogger? logger = null) => _logger = logger ?? NullLogger.Instance;

    public long Dropped { get; private set; }

    /// <summary>Opens the monitor socket now (so failures surface here), then returns the running capture task.</summary>
    public Task CaptureToFileAsync(string path, CancellationToken cancellationToken)
    {
        var socket = HciSockets.OpenBound(new HciSocketAddress(BluetoothSocketConstants.HCI_DEV_NONE, BluetoothSocketConstants.HCI_CHANNEL_MONITOR));
        return RunAsync(socket, path, cancellationToken);
    }

    private async Task RunAsync(Socket socket, string path, CancellationToken ct)
    {
        using var s = socket;
        await using var writer = new BtSnoopWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));
        var buffer = new byte[MonitorPacket.HeaderSize + ushort.MaxValue];
        try
        {
            while (true)
            {
                int n = await s.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
                if (n == 0) break;
                Append(writer, buffer.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // What the kernel queued before the stop belongs to the capture (a command that completed before the caller
            // cancelled is already on the socket): drain it without waiting.
            s.Blocking = false;
            while (true)
            {
                int n;
                try { n = s.Receive(buffer, SocketFlags.None); }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock) { break; }
                if (n == 0) break;
                Append(writer, buffer.AsSpan(0, n));
            }
        }
    }

    private void Append(BtSnoopWriter writer, ReadOnlySpan<byte> frame)
    {
        MonitorPacket p;
        try { p = MonitorPacket.Decode(frame); }
        catch (BluetoothException ex)
        {
            Dropped++;
            LogDropped(_logger, ex.Message);
            return;
        }
        writer.Write(p, DateTimeOffset.UtcNow, (uint)Math.Min(Dropped, uint.MaxValue));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped malformed monitor frame: {Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);
}
