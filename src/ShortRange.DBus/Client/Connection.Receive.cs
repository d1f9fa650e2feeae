using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace ShortRange.DBus;

public sealed partial class Connection
{
    private const int InitialReceiveBuffer = 64 * 1024;

    // Runs on the connection's own thread: an exception escaping it would end the process, so none may.
    private void ReceiveLoop()
    {
        try
        {
            ReceiveMessages();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "D-Bus receive thread failed");
            Disconnect(e);
        }
    }

    private void ReceiveMessages()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
        var fds = new List<SafeFileHandle>();
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                // Take every complete message out of the buffer.
                while (end - start >= ProtocolConstants.FixedHeaderLength)
                {
                    int total = Message.GetTotalLength(buffer.AsSpan(start, ProtocolConstants.FixedHeaderLength));
                    if (end - start < total)
                    {
                        break;
                    }
                    Message message;
                    if (buffer[start + 1] == (byte)MessageType.MethodCall)
                    {
                        // A handler may await: the call gets its own pooled copy that outlives this buffer.
                        byte[] copy = ArrayPool<byte>.Shared.Rent(total);
                        buffer.AsSpan(start, total).CopyTo(copy);
                        message = Message.Parse(copy, 0, total, pooled: true);
                    }
                    else
                    {
                        // Replies and signals are handled synchronously below and disposed before the buffer moves:
                        // parsed in place, no copy.
                        message = Message.Parse(buffer, start, total, pooled: false);
                    }
                    start += total;
                    if (message.UnixFdCount > 0)
                    {
                        if (fds.Count < message.UnixFdCount)
                        {
                            message.Dispose();
                            throw new ProtocolException($"Message declares {message.UnixFdCount} fds but {fds.Count} arrived.");
                        }
                        message.AttachFds(fds.GetRange(0, message.UnixFdCount).ToArray());
                        fds.RemoveRange(0, message.UnixFdCount);
                    }
                    Dispatch(message);
                }
                if (start == end)
                {
                    start = end = 0;
                }
                else if (start > 0 && end == buffer.Length)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
                if (end == buffer.Length)
                {
                    // Grow only as bytes actually arrive (doubling), never to a length a header merely claims.
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, ProtocolConstants.MaxMessageLength + 16));
                    buffer.AsSpan(0, end).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int n = _transport!.Receive(buffer, end, buffer.Length - end, fds);
                if (n == 0)
                {
                    Disconnect(new IOException("The bus closed the connection."));
                    return;
                }
                end += n;
            }
        }
        catch (ProtocolException e)
        {
            _logger.LogWarning(e, "Closing the D-Bus connection: protocol violation");
            Disconnect(e);
        }
        catch (Exception e)
        {
            Disconnect(_closeReason is null ? new IOException("Receiving from the bus failed: " + e.Message, e) : e);
        }
        finally
        {
            foreach (SafeFileHandle fd in fds)
            {
                fd.Dispose();
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Dispatch(Message message)
    {
        switch (message.Type)
        {
            case MessageType.MethodReturn:
            case MessageType.Error:
                IPendingCall? call = RemovePending(message.ReplySerial);
                try
                {
                    call?.Complete(message);
                }
                finally
                {
                    message.Dispose();
                }
                break;
            case MessageType.Signal:
                try
                {
                    DispatchSignal(message);
                }
                finally
                {
                    message.Dispose();
                }
                break;
            case MessageType.MethodCall:
                DispatchMethodCall(message); // disposes the message when the handler is done
                break;
            default:
                // Unknown message types must be ignored ("Message Format").
                _logger.LogDebug("Ignoring D-Bus message of unknown type {Type}", (byte)message.Type);
                message.Dispose();
                break;
        }
    }
}
