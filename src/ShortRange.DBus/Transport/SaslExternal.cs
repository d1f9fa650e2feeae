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

    public static async Task<(string Guid, bool FdPassing)> AuthenticateAsync(Socket socket, bool negotiateFds, CancellationToken ct)
    {
        string uid = Interop.geteuid().ToString(CultureInfo.InvariantCulture);
        string hexUid = Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid));
        await SendAsync(socket, "\0AUTH EXTERNAL " + hexUid + "\r\n", ct).ConfigureAwait(false);
        string reply = await ReadLineAsync(socket, ct).ConfigureAwait(false);
        if (!reply.StartsWith("OK ", StringComparison.Ordinal))
        {
            throw new ConnectException($"D-Bus authentication (EXTERNAL) was refused: '{reply}'.");
        }
        string guid = reply.Substring(3).Trim();
        bool fds = false;
        if (negotiateFds)
        {
            await SendAsync(socket, "NEGOTIATE_UNIX_FD\r\n", ct).ConfigureAwait(false);
            reply = await ReadLineAsync(socket, ct).ConfigureAwait(false);
            fds = reply == "AGREE_UNIX_FD";
            if (!fds && !reply.StartsWith("ERROR", StringComparison.Ordinal))
            {
                throw new ConnectException($"Unexpected reply to NEGOTIATE_UNIX_FD: '{reply}'.");
            }
        }
        await SendAsync(socket, "BEGIN\r\n", ct).ConfigureAwait(false);
        return (guid, fds);
    }

    private static async Task SendAsync(Socket socket, string line, CancellationToken ct)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line);
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += await socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, ct).ConfigureAwait(false);
        }
    }

    // Byte by byte: the server sends nothing past the line we wait for, and the message stream must start untouched.
    private static async Task<string> ReadLineAsync(Socket socket, CancellationToken ct)
    {
        var line = new List<byte>();
        byte[] one = new byte[1];
        while (true)
        {
            int n = await socket.ReceiveAsync(one, SocketFlags.None, ct).ConfigureAwait(false);
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
