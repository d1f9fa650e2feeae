using ShortRange.Bluetooth.Mgmt;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>
/// The two lab controllers from the Bluetooth baseline with LE enabled on both and the local controller's legacy
/// advertising (mgmt Set Advertising) off, because it would override advertising instances. Disposal turns LE off again
/// where it was off before, so BR/EDR tests after it find the baseline.
/// </summary>
public sealed class LowEnergyPair : IAsyncDisposable
{
    private const ushort MGMT_OP_SET_ADVERTISING = 0x0029; // lib/mgmt.h
    private readonly Dictionary<ushort, MgmtSettings> _before;

    private LowEnergyPair(MgmtClient mgmt, (ushort LocalIndex, ushort PeerIndex, ulong LocalAddress, ulong PeerAddress) p, Dictionary<ushort, MgmtSettings> before)
    {
        Mgmt = mgmt;
        (LocalIndex, PeerIndex, LocalAddress, PeerAddress) = p;
        _before = before;
    }

    public MgmtClient Mgmt { get; }
    public ushort LocalIndex { get; }
    public ushort PeerIndex { get; }
    public ulong LocalAddress { get; }
    public ulong PeerAddress { get; }

    public static async Task<LowEnergyPair> OpenAsync(string local, string peer, CancellationToken ct)
    {
        var p = await LabBluetooth.BaselinePairAsync(local, peer, ct);
        var mgmt = new MgmtClient(MgmtSocketTransport.Open());
        var before = new Dictionary<ushort, MgmtSettings>();
        try
        {
            foreach (var i in new[] { p.LocalIndex, p.PeerIndex })
            {
                before[i] = (await mgmt.ReadControllerInfoAsync(i, ct)).CurrentSettings;
                await mgmt.SetLowEnergyAsync(i, true, ct);
            }
            await mgmt.SendCommandAsync(MGMT_OP_SET_ADVERTISING, p.LocalIndex, new byte[] { 0x00 }, ct);
            return new LowEnergyPair(mgmt, p, before);
        }
        catch
        {
            await new LowEnergyPair(mgmt, p, before).DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var (i, settings) in _before)
                if (!settings.HasFlag(MgmtSettings.LowEnergy)) await Mgmt.SetLowEnergyAsync(i, false, CancellationToken.None);
        }
        finally
        {
            await Mgmt.DisposeAsync();
        }
    }
}
