using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Llcp;

namespace ShortRange.Nfc.Snep;

/// <summary>A GET handler's answer: the NDEF message, or null for Not Found.</summary>
public delegate ValueTask<byte[]?> SnepGetHandler(byte[] requestNdef, CancellationToken cancellationToken);

/// <summary>A PUT handler: receives the NDEF message a client pushed.</summary>
public delegate ValueTask SnepPutHandler(byte[] ndef, CancellationToken cancellationToken);

/// <summary>
/// SNEP 1.0 server on <c>urn:nfc:sn:snep</c> (SAP 4). PUT → <see cref="SnepPutHandler"/> then Success; GET →
/// <see cref="SnepGetHandler"/> (Not Found when it returns null or there is none; Excess Data when the answer exceeds
/// the client's acceptable length). A request announcing more than <see cref="MaxMessageLength"/> bytes is answered
/// Excess Data before anything is allocated; an unknown version Unsupported Version; an unknown request Not Implemented.
/// </summary>
public sealed partial class SnepServer
{
    private readonly SnepPutHandler _onPut;
    private readonly SnepGetHandler? _onGet;
    private readonly ILogger _logger;
    private long _refused;

    public SnepServer(SnepPutHandler onPut, SnepGetHandler? onGet = null, ILogger? logger = null)
    {
        _onPut = onPut ?? throw new ArgumentNullException(nameof(onPut));
        _onGet = onGet;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Largest request information accepted (default 1 MiB).</summary>
    public uint MaxMessageLength { get; init; } = 1024 * 1024;

    /// <summary>Requests answered with an error code (bad version, excess data, bad request, not implemented).</summary>
    public long RefusedRequests => Interlocked.Read(ref _refused);

    /// <summary>
    /// Listens on device <paramref name="deviceIndex"/> and serves every connection until cancelled; binds again when the
    /// kernel closed the listener because the DEP link went down.
    /// </summary>
    public Task RunAsync(uint deviceIndex, CancellationToken cancellationToken = default) =>
        LlcpListener.ServeAsync(deviceIndex, LlcpServiceNames.Snep, (c, ct) => HandleConnectionAsync(c, ct), _logger, null, cancellationToken);

    /// <summary>Serves requests on one connection until the client closes it.</summary>
    public async Task HandleConnectionAsync(ILlcpConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        while (true)
        {
            (SnepHeader Header, byte[] Information)? request;
            try
            {
                request = await SnepExchange.ReadAsync(connection, MaxMessageLength,
                    () => connection.SendAsync(SnepMessages.Response(SnepCode.ContinueResponse), cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (SnepProtocolException e) when (e.Code is byte code)
            {
                Interlocked.Increment(ref _refused);
                LogRefused(_logger, e.Message);
                await connection.SendAsync(SnepMessages.Response((SnepCode)code), cancellationToken).ConfigureAwait(false);
                if (code == (byte)SnepCode.ExcessData) continue; // the client stops after the first fragment
                return; // unknown version or garbage: we cannot find the next message boundary
            }
            if (request is not { } r) return;
            await AnswerAsync(connection, r.Header, r.Information, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(ILlcpConnection connection, SnepHeader header, byte[] info, CancellationToken ct)
    {
        switch (header.Code)
        {
            case SnepCode.Put:
                await _onPut(info, ct).ConfigureAwait(false);
                await connection.SendAsync(SnepMessages.Response(SnepCode.Success), ct).ConfigureAwait(false);
                return;
            case SnepCode.Get:
                if (info.Length < 4)
                {
                    await Refuse(connection, SnepCode.BadRequest, "GET without an acceptable length", ct).ConfigureAwait(false);
                    return;
                }
                uint acceptable = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(info);
                var answer = _onGet is null ? null : await _onGet(info[4..], ct).ConfigureAwait(false);
                if (answer is null)
                {
                    await connection.SendAsync(SnepMessages.Response(SnepCode.NotFound), ct).ConfigureAwait(false);
                    return;
                }
                if ((uint)answer.Length > acceptable)
                {
                    await Refuse(connection, SnepCode.ExcessData, $"GET answer of {answer.Length} bytes exceeds the client's {acceptable}", ct).ConfigureAwait(false);
                    return;
                }
                await SnepExchange.SendAsync(connection, SnepMessages.Response(SnepCode.Success, answer), async () =>
                {
                    // The client answers the first fragment with Continue (0x00) or Reject (0x7F), a bare header each.
                    var reply = await SnepExchange.ReadAsync(connection, 0, () => ValueTask.CompletedTask, ct).ConfigureAwait(false);
                    if (reply is not { } rr || rr.Header.Code != SnepCode.Continue)
                        throw new SnepProtocolException($"the client did not continue the GET response ({reply?.Header.Code.ToString() ?? "closed"})",
                            (byte)SnepCode.Reject);
                }, ct).ConfigureAwait(false);
                return;
            default:
                await Refuse(connection, SnepCode.NotImplemented, $"request code 0x{(byte)header.Code:X2}", ct).ConfigureAwait(false);
                return;
        }
    }

    private async Task Refuse(ILlcpConnection connection, SnepCode code, string why, CancellationToken ct)
    {
        Interlocked.Increment(ref _refused);
        LogRefused(_logger, why);
        await connection.SendAsync(SnepMessages.Response(code), ct).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SNEP request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
