using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ShortRange.DBus;

/// <summary>
/// The SASL handshake ("Authentication Protocol"): a NUL byte, <c>AUTH EXTERNAL &lt;uid as hex-encoded ASCII&gt;</c>,
/// expect <c>OK &lt;guid&gt;</c>; optionally <c>NEGOTIATE_UNIX_FD</c> → <c>AGREE_UNIX_FD</c>; then <c>BEGIN</c>.
/// </summary>
internal static class SaslExternal
{
    private const int MaxLineLength = 512;

    // Blocking calls on a blocking socket: the transport never uses the socket asynchronously (see UnixTransport);
    // the caller runs this off its thread and aborts it by disposing the socket.
    public static (string Guid, bool FdPassing) Authenticate(Socket socket, bool negotiateFds)
    {
        string uid = Interop.geteuid().ToString(CultureInfo.InvariantCulture);
        string hexUid = Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid));
        Send(socket, "\0AUTH EXTERNAL " + hexUid + "\r\n");
        string reply = ReadLine(socket);
        if (!reply.StartsWith("OK ", StringComparison.Ordinal))
        {
            throw new ConnectException($"D-Bus authentication (EXTERNAL) was refused: '{reply}'.");
        }
        string guid = reply.Substring(3).Trim();
        bool fds = false;
        if (negotiateFds)
        {
            Send(socket, "NEGOTIATE_UNIX_FD\r\n");
            reply = ReadLine(socket);
            fds = reply == "AGREE_UNIX_FD";
            if (!fds && !reply.StartsWith("ERROR", StringComparison.Ordinal))
            {
                throw new ConnectException($"Unexpected reply to NEGOTIATE_UNIX_FD: '{reply}'.");
            }
        }
        Send(socket, "BEGIN\r\n");
        return (guid, fds);
    }

    private static void Send(Socket socket, string line)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line);
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += socket.Send(bytes.AsSpan(sent), SocketFlags.None);
        }
    }

    // Byte by byte: the server sends nothing past the line we wait for, and the message stream must start untouched.
    private static string ReadLine(Socket socket)
    {
        var line = new List<byte>();
        byte[] one = new byte[1];
        while (true)
        {
            int n = socket.Receive(one, SocketFlags.None);
            if (n == 0)
            {
                throw new ConnectException("The bus closed the connection during authentication.");
            }
            line.Add(one[0]);
            if (line.Count >= 2 && line[^2] == (byte)'\r' && line[^1] == (byte)'\n')
            {
                return Encoding.ASCII.GetString(line.ToArray(), 0, line.Count - 2);
            }
            if (line.Count > MaxLineLength)
            {
                throw new ConnectException("Authentication line too long.");
            }
        }
    }
}
