using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;

namespace ShortRange.Nfc.Snep;

/// <summary>
/// SNEP 1.0 client (PUT and GET) over an LLCP connection to <c>urn:nfc:sn:snep</c>. One request at a time.
/// A refused request throws <see cref="SnepProtocolException"/> carrying the server's response code.
/// </summary>
public sealed class SnepClient : IDisposable
{
    private readonly ILlcpConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SnepClient(ILlcpConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    /// <summary>Connects to the default SNEP server of the peer (device <paramref name="deviceIndex"/>; target index on the initiator).</summary>
    public static async Task<SnepClient> ConnectAsync(uint deviceIndex, uint targetIndex, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        new(await LlcpConnection.ConnectAsync(deviceIndex, targetIndex, LlcpServiceNames.Snep, timeout, cancellationToken).ConfigureAwait(false));

    /// <summary>The largest response this client accepts (GET); longer ones are refused with Reject before allocation.</summary>
    public uint MaxResponseLength { get; set; } = 1024 * 1024;

    /// <summary>Pushes an NDEF message (PUT, SNEP 1.0 section 4.2.3); returns when the server answered Success.</summary>
    public async Task PutAsync(ReadOnlyMemory<byte> ndef, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendRequestAsync(SnepMessages.Put(ndef.Span), cancellationToken).ConfigureAwait(false);
            var (h, _) = await ReadResponseAsync(0, cancellationToken).ConfigureAwait(false);
            if (h.Code != SnepCode.Success) throw Refused("PUT", h.Code);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Requests an NDEF message (GET, section 4.2.2): <paramref name="requestNdef"/> identifies what is wanted; the server
    /// may answer with at most <paramref name="acceptableLength"/> bytes (also capped by <see cref="MaxResponseLength"/>).
    /// </summary>
    public async Task<byte[]> GetAsync(ReadOnlyMemory<byte> requestNdef, uint acceptableLength = 64 * 1024, CancellationToken cancellationToken = default)
    {
        acceptableLength = Math.Min(acceptableLength, MaxResponseLength);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SendRequestAsync(SnepMessages.Get(acceptableLength, requestNdef.Span), cancellationToken).ConfigureAwait(false);
            var (h, info) = await ReadResponseAsync(acceptableLength, cancellationToken).ConfigureAwait(false);
            if (h.Code != SnepCode.Success) throw Refused("GET", h.Code);
            return info;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task SendRequestAsync(byte[] request, CancellationToken ct) =>
        SnepExchange.SendAsync(_connection, request, async () =>
        {
            // After the first fragment the server answers Continue, or refuses (e.g. Excess Data) outright.
            var (h, _) = await ReadResponseAsync(0, ct).ConfigureAwait(false);
            if (h.Code != SnepCode.ContinueResponse) throw Refused("request", h.Code);
        }, ct);

    private async Task<(SnepHeader, byte[])> ReadResponseAsync(uint maxLength, CancellationToken ct)
    {
        try
        {
            var r = await SnepExchange.ReadAsync(_connection, maxLength,
                () => _connection.SendAsync(SnepMessages.Response(SnepCode.Continue), ct), ct).ConfigureAwait(false);
            return r ?? throw new SnepProtocolException("the SNEP server closed the connection");
        }
        catch (SnepProtocolException e) when (e.Code == (byte)SnepCode.ExcessData)
        {
            // Section 5.1: the client refuses the rest of a response it cannot take with a Reject request.
            await _connection.SendAsync(SnepMessages.Response(SnepCode.Reject), ct).ConfigureAwait(false);
            throw;
        }
    }

    private static SnepProtocolException Refused(string what, SnepCode code) =>
        new($"SNEP {what} refused by the server: {code} (0x{(byte)code:X2})", (byte)code);

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }
}
