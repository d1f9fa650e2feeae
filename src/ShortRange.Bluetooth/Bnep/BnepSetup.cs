using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ShortRange.Linux.Sockets;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>
/// The BNEP setup exchange in user space (BNEP v1.0 §2.6.3), before the socket is handed to the kernel.
/// Client: send BNEP_SETUP_CONNECTION_REQUEST_MSG, await the response (resent on timeout, like BlueZ: 3 attempts).
/// Server: read the request, check it against the role we serve, refuse with the spec's code or accept.
/// </summary>
internal static class BnepSetup
{
    private const int MaxPacket = BnepConstants.BNEP_MTU;

    /// <summary>Runs the client side; returns when the peer answered "Operation Successful".</summary>
    /// <exception cref="BnepSetupRefusedException">the peer refused.</exception>
    /// <exception cref="BnepException">no response after every attempt (ETIMEDOUT) or the channel closed.</exception>
    public static async Task RunClientAsync(IBnepChannel channel, BnepRole local, BnepRole remote, TimeSpan attemptTimeout, int attempts,
        ILogger? logger, CancellationToken cancellationToken)
    {
        var request = BnepCodec.Encode(BnepSetupConnectionRequest.ForRoles(remote, local));
        var buffer = new byte[MaxPacket];
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            await channel.SendAsync(request, cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(attemptTimeout);
            try
            {
                while (true)
                {
                    int n = await channel.ReceiveAsync(buffer, false, timeout.Token).ConfigureAwait(false);
                    // A peer that answers and closes at once (BlueZ refuses so): the first recv after its Disconnection
                    // Request reports the reset as EOF even with the answer still queued (see AwaitPeerCloseAsync); the
                    // next recv returns the answer, or 0 at once (RCV_SHUTDOWN).
                    if (n == 0) n = await channel.ReceiveAsync(buffer, false, timeout.Token).ConfigureAwait(false);
                    if (n == 0) throw new BnepException("BNEP setup: the L2CAP channel closed before the setup response");
                    var (type, _) = BnepCodec.ReadType(buffer.AsSpan(0, n));
                    if (type != BnepConstants.BNEP_CONTROL) continue; // data before setup completes: not ours to deliver
                    var message = BnepCodec.DecodeControl(buffer.AsSpan(0, n));
                    switch (message)
                    {
                        case BnepSetupConnectionResponse { Code: BnepSetupResponseCode.OperationSuccessful }:
                            return;
                        case BnepSetupConnectionResponse r:
                            throw new BnepSetupRefusedException(r.Code, byPeer: true);
                        case BnepUnknownControl u:
                            await channel.SendAsync(BnepCodec.Encode(new BnepCommandNotUnderstood(u.Type)), cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            logger?.LogDebug("BNEP setup: ignoring {Message} while awaiting the setup response", message);
                            break;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                logger?.LogDebug("BNEP setup: no response within {Timeout} (attempt {Attempt} of {Attempts})", attemptTimeout, attempt, attempts);
            }
        }
        throw new BnepException("BNEP setup (no BNEP_SETUP_CONNECTION_RESPONSE_MSG)", Errno.ETIMEDOUT);
    }

    /// <summary>Checks a setup request against the role this side serves (PAN v1.0 §2.3: PANU↔NAP, PANU↔GN, PANU↔PANU).</summary>
    public static BnepSetupResponseCode Check(BnepSetupConnectionRequest request, BnepRole served)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.DestinationService is not { } dst || request.SourceService is not { } src)
            return BnepSetupResponseCode.InvalidServiceUuidSize;
        if (BnepServiceUuid.RoleOf(dst) != served) return BnepSetupResponseCode.InvalidDestinationServiceUuid;
        var source = BnepServiceUuid.RoleOf(src);
        bool sourceOk = served == BnepRole.Panu ? source is not null : source == BnepRole.Panu;
        return sourceOk ? BnepSetupResponseCode.OperationSuccessful : BnepSetupResponseCode.InvalidSourceServiceUuid;
    }

    /// <summary>
    /// Runs the server side. With <paramref name="kernelAnswers"/> (BNEP_SETUP_RESPONSE supported) an acceptable request is
    /// only peeked: it stays queued so that, after BNEPCONNADD with that flag, the kernel answers it with success itself
    /// (net/bluetooth/bnep/core.c, bnep_rx_control) — the peer never hears success before the interface exists.
    /// Otherwise the request is consumed and success is sent here. Unacceptable requests are consumed and refused here.
    /// Returns the peer's role.
    /// </summary>
    public static async Task<BnepRole> RunServerAsync(IBnepChannel channel, BnepRole served, bool kernelAnswers, ILogger? logger,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxPacket];
        while (true)
        {
            int n = await channel.ReceiveAsync(buffer, kernelAnswers, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new BnepException("BNEP setup: the L2CAP channel closed before a setup request");
            BnepControlMessage? message = null;
            try
            {
                if (BnepCodec.ReadType(buffer.AsSpan(0, n)).PacketType == BnepConstants.BNEP_CONTROL)
                    message = BnepCodec.DecodeControl(buffer.AsSpan(0, n));
            }
            catch (BnepFormatException e)
            {
                logger?.LogDebug(e, "BNEP setup: dropping a malformed control packet");
            }
            if (message is BnepSetupConnectionRequest request)
            {
                var code = Check(request, served);
                if (code == BnepSetupResponseCode.OperationSuccessful)
                {
                    var peerRole = BnepServiceUuid.RoleOf(request.SourceService!.Value)!.Value;
                    if (!kernelAnswers) await Respond(channel, code, cancellationToken).ConfigureAwait(false);
                    return peerRole;
                }
                if (kernelAnswers) await channel.ReceiveAsync(buffer, false, cancellationToken).ConfigureAwait(false); // consume it
                await Respond(channel, code, cancellationToken).ConfigureAwait(false);
                throw new BnepSetupRefusedException(code, byPeer: false);
            }
            if (kernelAnswers) await channel.ReceiveAsync(buffer, false, cancellationToken).ConfigureAwait(false); // not for the kernel
            if (message is BnepUnknownControl u)
                await channel.SendAsync(BnepCodec.Encode(new BnepCommandNotUnderstood(u.Type)), cancellationToken).ConfigureAwait(false);
            else
                logger?.LogDebug("BNEP setup: ignoring {Message} before the setup request", message?.ToString() ?? "a non-control packet");
        }
    }

    /// <summary>
    /// After a refusal, lets the peer close first (its EOF, bounded by <paramref name="limit"/>) so the refusal is read.
    /// Closing at once sends the L2CAP Disconnection Request right behind the response; if it lands before the peer's
    /// recv runs, that recv returns 0 with the response still queued: skb_recv_datagram reports the reset (sk_err)
    /// before queued data, and bt_sock_recvmsg turns it into EOF once RCV_SHUTDOWN is set (net/core/datagram.c,
    /// net/bluetooth/af_bluetooth.c). Packets that still arrive are dropped.
    /// </summary>
    public static async Task AwaitPeerCloseAsync(IBnepChannel channel, TimeSpan limit, ILogger? logger, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(limit);
        var buffer = new byte[MaxPacket];
        try
        {
            while (await channel.ReceiveAsync(buffer, false, wait.Token).ConfigureAwait(false) != 0) { }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger?.LogDebug("BNEP setup: the refused peer did not close within {Limit}; closing", limit);
        }
        catch (SocketException e)
        {
            logger?.LogDebug(e, "BNEP setup: the refused peer's channel failed while waiting for its close");
        }
    }

    public static ValueTask Respond(IBnepChannel channel, BnepSetupResponseCode code, CancellationToken cancellationToken) =>
        channel.SendAsync(BnepCodec.Encode(new BnepSetupConnectionResponse(code)), cancellationToken);
}
