using ShortRange.Bluetooth.L2cap;
using ShortRange.Linux.Sockets;
using static ShortRange.Linux.Sockets.BluetoothSocketConstants;

namespace ShortRange.Bluetooth.Sdp;

/// <summary>
/// An SDP client (Core spec Vol 3 Part B §4): ServiceSearch, ServiceAttribute, ServiceSearchAttribute and browsing of
/// the public browse group, with continuation handled here. One request is outstanding at a time (§4.1); a server that
/// repeats a continuation state, sends more than <see cref="MaxContinuations"/> fragments or more than
/// <see cref="MaxResponseBytes"/> in total ends the request with <see cref="SdpContinuationException"/>.
/// </summary>
public sealed class SdpClient : IAsyncDisposable
{
    /// <summary>Most partial responses accepted for one request.</summary>
    public const int MaxContinuations = 256;

    /// <summary>Largest reassembled response accepted (1 MiB; real devices answer a full browse in a few KiB).</summary>
    public const int MaxResponseBytes = 1 << 20;

    private readonly ISdpTransport _transport;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly byte[] _receive;
    private ushort _transactionId;

    public SdpClient(ISdpTransport transport)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _receive = new byte[Math.Max(transport.ReceiveMtu, 48)];
    }

    /// <summary>How long one response may take (default 10 s).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connects to the SDP server of <paramref name="remote"/> (L2CAP PSM 1) from local adapter <paramref name="local"/>
    /// (0: any). Connection failures throw the typed <see cref="L2capException"/>s.
    /// </summary>
    public static async Task<SdpClient> ConnectAsync(ulong local, ulong remote, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var ch = await L2capChannel.ConnectAsync(new L2capSocketAddress(0, local), new L2capSocketAddress(L2CAP_PSM_SDP, remote), null,
            timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            return new SdpClient(new L2capSdpTransport(ch));
        }
        catch
        {
            ch.Dispose();
            throw;
        }
    }

    /// <summary>SDP_ServiceSearchRequest: handles of records matching every UUID in <paramref name="pattern"/>.</summary>
    public async Task<IReadOnlyList<uint>> ServiceSearchAsync(IReadOnlyList<Guid> pattern, ushort maximumRecords = 0xFFFF, CancellationToken cancellationToken = default)
    {
        _ = SdpPduCodec.Pattern(pattern); // validates 1–12 UUIDs before anything is sent
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var handles = new List<uint>();
            var seen = new HashSet<string>();
            var cont = SdpContinuationState.None;
            for (int round = 0; ; round++)
            {
                var r = await ExchangeAsync(new SdpServiceSearchRequest(++_transactionId, pattern, maximumRecords, cont), cancellationToken).ConfigureAwait(false);
                if (r is not SdpServiceSearchResponse s) throw new SdpFormatException($"expected SDP_ServiceSearchResponse, got {r.PduId}");
                handles.AddRange(s.Handles);
                if (handles.Count > maximumRecords || handles.Count > s.TotalServiceRecordCount)
                    throw new SdpContinuationException($"server sent {handles.Count} handles, more than it announced ({s.TotalServiceRecordCount}) or was asked for ({maximumRecords})");
                if (s.Continuation.IsEmpty) return handles;
                cont = NextContinuation(s.Continuation, seen, round);
            }
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>SDP_ServiceAttributeRequest: the attributes of record <paramref name="handle"/> within <paramref name="attributes"/> (default all).</summary>
    public async Task<SdpRecord> ServiceAttributeAsync(uint handle, IReadOnlyList<SdpAttributeRange>? attributes = null, CancellationToken cancellationToken = default)
    {
        attributes ??= [SdpAttributeRange.All];
        var list = await AttributeExchangeAsync(
            (tid, max, cont) => new SdpServiceAttributeRequest(tid, handle, max, attributes, cont), cancellationToken).ConfigureAwait(false);
        return SdpRecord.FromAttributeList(list);
    }

    /// <summary>SDP_ServiceSearchAttributeRequest: every record matching <paramref name="pattern"/>, with the attributes in <paramref name="attributes"/>.</summary>
    public async Task<IReadOnlyList<SdpRecord>> ServiceSearchAttributeAsync(IReadOnlyList<Guid> pattern, IReadOnlyList<SdpAttributeRange>? attributes = null,
        CancellationToken cancellationToken = default)
    {
        _ = SdpPduCodec.Pattern(pattern);
        attributes ??= [SdpAttributeRange.All];
        var lists = await AttributeExchangeAsync(
            (tid, max, cont) => new SdpServiceSearchAttributeRequest(tid, pattern, max, attributes, cont), cancellationToken).ConfigureAwait(false);
        if (lists.Type != SdpElementType.Sequence) throw new SdpFormatException("AttributeLists must be a sequence");
        return [.. lists.Items.Select(SdpRecord.FromAttributeList)];
    }

    /// <summary>Browses the public browse group (§2.6): every record in PublicBrowseRoot (0x1002), all attributes.</summary>
    public Task<IReadOnlyList<SdpRecord>> BrowseAsync(CancellationToken cancellationToken = default) =>
        ServiceSearchAttributeAsync([SdpUuid.FromShort(SdpUuid.PublicBrowseRoot)], null, cancellationToken);

    private async Task<SdpElement> AttributeExchangeAsync(Func<ushort, ushort, SdpContinuationState, SdpPdu> request, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // MaximumAttributeByteCount: what fits our receive MTU after the 5-byte header, 2-byte count and ≤ 17-byte continuation.
            ushort max = (ushort)Math.Clamp(_receive.Length - SdpPduCodec.HeaderSize - 2 - 1 - SdpContinuationState.MaxInfoLength, 7, 0xFFFF);
            var all = new MemoryStream();
            var seen = new HashSet<string>();
            var cont = SdpContinuationState.None;
            for (int round = 0; ; round++)
            {
                var r = await ExchangeAsync(request(++_transactionId, max, cont), cancellationToken).ConfigureAwait(false);
                if (r is not SdpAttributeResponse a) throw new SdpFormatException($"expected an attribute response, got {r.PduId}");
                if (all.Length + a.Fragment.Length > MaxResponseBytes) throw new SdpContinuationException($"response exceeds {MaxResponseBytes} bytes");
                all.Write(a.Fragment.Span);
                if (a.Continuation.IsEmpty) return SdpElementCodec.Decode(all.GetBuffer().AsSpan(0, (int)all.Length));
                cont = NextContinuation(a.Continuation, seen, round);
            }
        }
        finally
        {
            _one.Release();
        }
    }

    private static SdpContinuationState NextContinuation(SdpContinuationState c, HashSet<string> seen, int round)
    {
        if (round + 1 >= MaxContinuations) throw new SdpContinuationException($"more than {MaxContinuations} partial responses");
        if (!seen.Add(c.ToString())) throw new SdpContinuationException($"server repeated continuation state {c}");
        return c;
    }

    private async Task<SdpPdu> ExchangeAsync(SdpPdu request, CancellationToken cancellationToken)
    {
        var bytes = SdpPduCodec.Encode(request);
        if (bytes.Length > _transport.SendMtu) throw new ArgumentException($"request of {bytes.Length} bytes exceeds the server's MTU {_transport.SendMtu}");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(ResponseTimeout);
        try
        {
            await _transport.SendAsync(bytes, cts.Token).ConfigureAwait(false);
            while (true)
            {
                int n = await _transport.ReceiveAsync(_receive, cts.Token).ConfigureAwait(false);
                if (n == 0) throw new SdpException("the SDP server closed the channel");
                var r = SdpPduCodec.Decode(_receive.AsSpan(0, n));
                if (r.TransactionId != request.TransactionId) continue; // a late answer to a timed-out request (§4.2)
                if (r is SdpErrorResponse e) throw new SdpErrorResponseException(e.ErrorCode);
                return r;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SdpException($"no SDP response within {ResponseTimeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Closes the L2CAP channel.</summary>
    public async ValueTask DisposeAsync()
    {
        await _transport.DisposeAsync().ConfigureAwait(false);
        _one.Dispose();
    }
}
