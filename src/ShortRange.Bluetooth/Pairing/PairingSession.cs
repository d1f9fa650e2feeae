using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Pairing;

/// <summary>
/// Pairing and bonding on one controller: answers the kernel's pairing requests through an <see cref="IPairingAgent"/>,
/// persists keys the kernel marks Store_Hint = 1 in a <see cref="BondStore"/>, and at start loads stored keys into the
/// controller (Load Link Keys / Long Term Keys / Identity Resolving Keys) so bonds survive restarts.
/// </summary>
public sealed partial class PairingSession : IAsyncDisposable
{
    private readonly MgmtClient _client;
    private readonly ushort _index;
    private readonly IPairingAgent _agent;
    private readonly BondStore? _store;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private IDisposable? _subscription;
    private ulong _controllerAddress;

    public PairingSession(MgmtClient client, ushort index, IPairingAgent agent, BondStore? store = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _agent = agent ?? throw new ArgumentNullException(nameof(agent));
        _index = index;
        _store = store;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Bond files that could not be read at start (skipped).</summary>
    public IReadOnlyList<BondLoadError> LoadErrors { get; private set; } = [];

    /// <summary>Bonds loaded into the controller at start.</summary>
    public int LoadedBonds { get; private set; }

    /// <summary>Reads the controller, loads stored keys into it and starts answering pairing events.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        var info = await _client.ReadControllerInfoAsync(_index, ct).ConfigureAwait(false);
        _controllerAddress = info.Address;
        _subscription = _client.Events.Subscribe(p => { if (p.Index == _index) _ = HandleAsync(p); }, _ => { });
        if (_store is null) return;
        var bonds = _store.Load(_controllerAddress, out var errors);
        LoadErrors = errors;
        foreach (var e in errors) LogBadBond(_logger, e.Path, e.Reason);
        await _client.LoadLinkKeysAsync(_index, [.. bonds.Where(b => b.LinkKey is not null).Select(b => b.LinkKey!)], ct).ConfigureAwait(false);
        await _client.LoadLongTermKeysAsync(_index, [.. bonds.SelectMany(b => b.LongTermKeys)], ct).ConfigureAwait(false);
        await _client.LoadIdentityResolvingKeysAsync(_index, [.. bonds.Where(b => b.Irk is not null).Select(b => b.Irk!)], ct).ConfigureAwait(false);
        LoadedBonds = bonds.Count;
    }

    /// <summary>Pairs with <paramref name="peer"/> (Pair Device) using <paramref name="io"/>; completes when the kernel reports the result.</summary>
    public Task PairAsync(BluetoothDeviceAddress peer, IoCapability io = IoCapability.DisplayYesNo, CancellationToken ct = default) =>
        _client.PairDeviceAsync(_index, peer, io, ct);

    public Task CancelPairingAsync(BluetoothDeviceAddress peer, CancellationToken ct = default) =>
        _client.CancelPairDeviceAsync(_index, peer, ct);

    /// <summary>Unpairs (removing the kernel's keys and the stored bond) and disconnects.</summary>
    public async Task UnpairAsync(BluetoothDeviceAddress peer, CancellationToken ct = default)
    {
        await _client.UnpairDeviceAsync(_index, peer, true, ct).ConfigureAwait(false);
        _store?.Remove(_controllerAddress, peer);
    }

    private async Task HandleAsync(MgmtPacket p)
    {
        var ct = _stop.Token;
        try
        {
            switch (p.Code)
            {
                case MgmtEventCode.MGMT_EV_USER_CONFIRM_REQUEST:
                    var c = MgmtEvents.UserConfirmRequest(p.Parameters.Span);
                    bool ok = await _agent.ConfirmPasskeyAsync(c.Address, c.Value, ct).ConfigureAwait(false);
                    await _client.UserConfirmReplyAsync(_index, c.Address, ok, ct).ConfigureAwait(false);
                    break;
                case MgmtEventCode.MGMT_EV_USER_PASSKEY_REQUEST:
                    var a = MgmtEvents.AddressOnly(p.Parameters.Span, "User Passkey Request");
                    var pk = await _agent.RequestPasskeyAsync(a, ct).ConfigureAwait(false);
                    await _client.UserPasskeyReplyAsync(_index, a, pk, ct).ConfigureAwait(false);
                    break;
                case MgmtEventCode.MGMT_EV_PASSKEY_NOTIFY:
                    var n = MgmtEvents.PasskeyNotify(p.Parameters.Span);
                    await _agent.DisplayPasskeyAsync(n.Address, n.Passkey, n.Entered, ct).ConfigureAwait(false);
                    break;
                case MgmtEventCode.MGMT_EV_PIN_CODE_REQUEST:
                    var (pa, secure) = MgmtEvents.PinCodeRequest(p.Parameters.Span);
                    var pin = await _agent.RequestPinCodeAsync(pa, secure, ct).ConfigureAwait(false);
                    await _client.PinCodeReplyAsync(_index, pa, pin, ct).ConfigureAwait(false);
                    break;
                case MgmtEventCode.MGMT_EV_NEW_LINK_KEY:
                    var lk = MgmtEvents.NewLinkKey(p.Parameters.Span);
                    if (lk.StoreHint) _store?.SaveLinkKey(_controllerAddress, lk.Key);
                    break;
                case MgmtEventCode.MGMT_EV_NEW_LONG_TERM_KEY:
                    var ltk = MgmtEvents.NewLongTermKey(p.Parameters.Span);
                    if (ltk.StoreHint) _store?.SaveLongTermKey(_controllerAddress, ltk.Key);
                    break;
                case MgmtEventCode.MGMT_EV_NEW_IRK:
                    var irk = MgmtEvents.NewIrk(p.Parameters.Span);
                    if (irk.StoreHint) _store?.SaveIrk(_controllerAddress, irk.Key);
                    break;
                case MgmtEventCode.MGMT_EV_AUTH_FAILED:
                    var (fa, st) = MgmtEvents.AuthFailed(p.Parameters.Span);
                    LogAuthFailed(_logger, fa.ToString(), MgmtStatusNames.Name(st));
                    break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed reply, bond write or agent must not end the session; the kernel times the pairing out on its own.
            LogHandlerFailed(_logger, p.Code, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped unreadable bond file {Path}: {Reason}")]
    private static partial void LogBadBond(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Authentication with {Peer} failed: {Status}")]
    private static partial void LogAuthFailed(ILogger logger, string peer, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling mgmt event 0x{Code:X4} failed")]
    private static partial void LogHandlerFailed(ILogger logger, ushort code, Exception ex);
}
