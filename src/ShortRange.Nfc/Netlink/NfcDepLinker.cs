using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;

namespace ShortRange.Nfc.Netlink;

/// <summary>The NFC-DEP target found and the link-up event of <see cref="NfcDepLinker.PollAndLinkUpAsync"/>.</summary>
public sealed record NfcDepLinkResult(NfcTargetInfo Target, NfcDepLinkUpEvent Link, int Attempts);

/// <summary>
/// Finds an NFC-DEP peer as initiator and brings the DEP link up. A found target answers ATR_REQ only for a short time
/// (NFC Digital Protocol §14: the target's listen window; under nfcsim well below a second), so when DEP_LINK_UP comes too
/// late — a cold process JIT-compiling its first netlink calls, a phone moving — the kernel's ATR_REQ goes unanswered and
/// no link-up event ever comes. This polls again and retries, bounded by the overall timeout.
/// </summary>
public static partial class NfcDepLinker
{
    /// <summary>How long one attempt waits for the link-up event after DEP_LINK_UP (the ATR exchange takes milliseconds).</summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Polls device <paramref name="deviceIndex"/> for NFC-DEP, sends DEP_LINK_UP to the first NFC-DEP target and waits for
    /// the link; repeats until linked or <paramref name="timeout"/> elapses (<see cref="TimeoutException"/>). The poll is
    /// stopped if the call ends without a link.
    /// </summary>
    public static Task<NfcDepLinkResult> PollAndLinkUpAsync(this NfcNetlinkClient client, uint deviceIndex, TimeSpan timeout,
        TimeSpan? attemptTimeout = null, NfcCommMode commMode = NfcCommMode.Passive, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return PollAndLinkUpCoreAsync(client, deviceIndex, timeout, attemptTimeout, commMode, logger, cancellationToken);
    }

    internal static async Task<NfcDepLinkResult> PollAndLinkUpCoreAsync(INfcDepLinkOperations client, uint deviceIndex, TimeSpan timeout,
        TimeSpan? attemptTimeout, NfcCommMode commMode, ILogger? logger, CancellationToken cancellationToken)
    {
        logger ??= NullLogger.Instance;
        var perAttempt = attemptTimeout ?? DefaultAttemptTimeout;
        var clock = Stopwatch.StartNew();
        // One event subscription for the whole operation: no event can fall between two subscriptions.
        var events = Channel.CreateUnbounded<NfcEvent>();
        using var sub = client.Events.Subscribe(e =>
        {
            if (e.DeviceIndex == deviceIndex) events.Writer.TryWrite(e);
        }, e => events.Writer.TryComplete(e));
        bool linked = false;
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                Drain(events.Reader);
                try
                {
                    await client.StartPollAsync(deviceIndex, NfcProtocols.NfcDep, NfcProtocols.None, cancellationToken).ConfigureAwait(false);
                }
                catch (NetlinkException e) when (e.ErrorNumber == Errno.EBUSY)
                {
                    // Still polling from an earlier attempt (only this port may stop it), or the digital layer is settling.
                    await StopQuietlyAsync(client, deviceIndex).ConfigureAwait(false);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                    if (clock.Elapsed >= timeout) throw Late(deviceIndex, timeout);
                    continue;
                }
                if (await WaitForAsync<NfcTargetsFoundEvent>(events.Reader, Remaining(clock, timeout), cancellationToken).ConfigureAwait(false) is null)
                    throw Late(deviceIndex, timeout);
                var target = (await client.GetTargetsAsync(deviceIndex, cancellationToken).ConfigureAwait(false))
                    .FirstOrDefault(t => t.Protocols.HasFlag(NfcProtocols.NfcDep));
                if (target is not null)
                {
                    await client.DepLinkUpAsync(deviceIndex, target.Index, commMode, cancellationToken).ConfigureAwait(false);
                    var wait = Min(perAttempt, Remaining(clock, timeout));
                    var up = await WaitForAsync<NfcDepLinkUpEvent>(events.Reader, wait, cancellationToken).ConfigureAwait(false);
                    if (up is not null)
                    {
                        linked = true;
                        return new NfcDepLinkResult(target, up, attempt);
                    }
                    LogAtrUnanswered(logger, NfcNetlinkCodec.DeviceName(deviceIndex), target.Index, attempt, wait.TotalMilliseconds);
                }
                if (clock.Elapsed >= timeout) throw Late(deviceIndex, timeout);
            }
        }
        finally
        {
            if (!linked) await StopQuietlyAsync(client, deviceIndex).ConfigureAwait(false);
        }
    }

    private static TimeSpan Remaining(Stopwatch clock, TimeSpan timeout) => timeout - clock.Elapsed is var r && r > TimeSpan.Zero ? r : TimeSpan.Zero;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeoutException Late(uint deviceIndex, TimeSpan timeout) =>
        new($"{NfcNetlinkCodec.DeviceName(deviceIndex)}: no NFC-DEP link within {timeout.TotalSeconds:0.#} s");

    private static void Drain(ChannelReader<NfcEvent> reader)
    {
        while (reader.TryRead(out _)) { }
    }

    private static async Task<T?> WaitForAsync<T>(ChannelReader<NfcEvent> reader, TimeSpan wait, CancellationToken ct) where T : NfcEvent
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(wait);
        try
        {
            while (true)
                if (await reader.ReadAsync(cts.Token).ConfigureAwait(false) is T e) return e;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task StopQuietlyAsync(INfcDepLinkOperations client, uint deviceIndex)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await client.StopPollAsync(deviceIndex, cts.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is NetlinkException or OperationCanceledException) { } // not polling (EINVAL): nothing to stop
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Device}: target {Target} did not answer ATR_REQ (attempt {Attempt}, waited {Milliseconds} ms); polling again")]
    private static partial void LogAtrUnanswered(ILogger logger, string device, uint target, int attempt, double milliseconds);
}
