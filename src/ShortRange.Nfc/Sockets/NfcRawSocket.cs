using System.Net.Sockets;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Netlink;
using ShortRange.Nfc.Tags;

namespace ShortRange.Nfc.Sockets;

/// <summary>
/// A raw AF_NFC socket (NFC_SOCKPROTO_RAW, SOCK_SEQPACKET; net/nfc/rawsock.c) connected to one target: each send is
/// one command frame, each receive its response, which the kernel prefixes with a one-byte status header
/// (NFC_HEADER_SIZE; 0 = success) that <see cref="TransceiveAsync"/> strips. Use <see cref="Transceive"/> with the tag
/// command layers (<see cref="Type2Tag"/>, <see cref="Type4Tag"/>). Connecting activates the target (the device must have
/// found it in a poll). One command at a time.
/// </summary>
public sealed class NfcRawSocket : IDisposable
{
    /// <summary>NFC_HEADER_SIZE (nfc.h): the status byte in front of every received frame.</summary>
    public const int NFC_HEADER_SIZE = 1;

    private const int MaxFrame = 4096; // well above any tag frame (ISO-DEP FSD ≤ 4096 with extended frames)
    private readonly NativeSocket _socket;
    private readonly byte[] _receive = new byte[MaxFrame + NFC_HEADER_SIZE + 1];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _context;

    private NfcRawSocket(NativeSocket socket, string context)
    {
        _socket = socket;
        _context = context;
        Transceive = TransceiveAsync;
    }

    /// <summary>Connects to <paramref name="targetIndex"/> on device <paramref name="deviceIndex"/> with <paramref name="protocol"/>.</summary>
    /// <exception cref="NfcSocketException">The kernel refused (ENODEV, EINVAL for an unknown target or protocol, EBUSY…).</exception>
    public static async Task<NfcRawSocket> ConnectAsync(uint deviceIndex, uint targetIndex, NfcProtocol protocol,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        string context = $"{NfcNetlinkCodec.DeviceName(deviceIndex)} target {targetIndex} ({protocol})";
        var s = NativeSocket.Create(LinuxAddressFamily.AF_NFC, SocketType.Seqpacket, NfcSocketConstants.NFC_SOCKPROTO_RAW);
        try
        {
            // rawsock_connect activates the target synchronously; connect(2) directly keeps the kernel's errno.
            int rc = await Task.Run(() => s.TryConnect(new NfcSocketAddress(deviceIndex, targetIndex, (uint)protocol)), cancellationToken)
                .WaitAsync(timeout ?? TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            if (rc != 0) throw NfcSocketErrors.From("connect", rc, context);
            return new NfcRawSocket(s, context);
        }
        catch (TimeoutException)
        {
            s.Dispose();
            throw NfcSocketErrors.From("connect", Errno.ETIMEDOUT, context);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>This socket's transceive function for the tag command layers.</summary>
    public NfcTransceive Transceive { get; }

    /// <summary>Sends one command frame and returns the target's response without the status header.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> TransceiveAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default)
    {
        if (command.Length is 0 or > MaxFrame) throw new ArgumentOutOfRangeException(nameof(command), $"frames are 1–{MaxFrame} bytes");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.Socket.SendAsync(command, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            int n = await _socket.Socket.ReceiveAsync(_receive, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new NfcSocketException("transceive", 0, $"the target {_context} is gone (socket closed)");
            if (n > MaxFrame + NFC_HEADER_SIZE) throw new NfcTagException($"response of more than {MaxFrame} bytes from {_context}");
            if (_receive[0] != 0) throw new NfcTagException($"the kernel reported status 0x{_receive[0]:X2} for {_context}");
            return _receive.AsSpan(NFC_HEADER_SIZE, n - NFC_HEADER_SIZE).ToArray();
        }
        catch (SocketException e)
        {
            throw NfcSocketErrors.From("transceive", e, _context);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the socket (the kernel deactivates the target).</summary>
    public void Dispose()
    {
        _socket.Dispose();
        _gate.Dispose();
    }
}
