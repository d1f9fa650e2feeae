using System.Buffers.Binary;
using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.RegularExpressions;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.Bluetooth;

/// <summary>
/// The set-up the advertising hwtests share: an LE pair (<see cref="LowEnergyPair"/>: LE on, legacy advertising off,
/// restored on dispose), btmon capturing each controller's HCI traffic to a btsnoop file, and <c>btmgmt find -l</c> on
/// the peer started before our advertisement.
/// Why the peer scans first: btvirt (BlueZ 5.66 emulator/btdev.c) sends an advertising report only at two instants,
/// never periodically: when a scanner's LE Set (Extended) Scan Enable completes (one report per advertiser enabled at
/// that moment) and when an advertiser's LE Set (Extended) Advertising Enable completes (to every device scanning then).
/// The scanner's kernel reports devices to mgmt only once its discovery state is FINDING (mgmt_device_found,
/// hci_discovery_active), which it enters after the scan-enable command completed, while the report btvirt sends right
/// behind that Command Complete is already being processed. Advertising first and scanning second is therefore a race
/// the report can lose, after which the peer sees nothing for the whole 10.24 s discovery (CI m3, seed 575179059).
/// Started after mgmt has announced Discovering on the peer, our advertisement's enable always produces a report.
/// </summary>
internal sealed class LeAdvertisingLab : IAsyncDisposable
{
    private static readonly TimeSpan FindTimeout = TimeSpan.FromSeconds(90);
    private readonly LowEnergyPair _pair;
    private readonly string _btmon;
    private readonly Capture _peerCapture, _localCapture;

    private LeAdvertisingLab(LowEnergyPair pair, string btmon, string btmgmt, Capture peerCapture, Capture localCapture, string local, string peer)
    {
        _pair = pair;
        _btmon = btmon;
        Btmgmt = btmgmt;
        _peerCapture = peerCapture;
        _localCapture = localCapture;
        Local = local;
        Peer = peer;
    }

    public MgmtClient Mgmt => _pair.Mgmt;
    public ushort LocalIndex => _pair.LocalIndex;
    public ushort PeerIndex => _pair.PeerIndex;
    public ulong LocalAddress => _pair.LocalAddress;
    public string Local { get; }
    public string Peer { get; }
    public string Btmgmt { get; }

    /// <summary>Requires the lab's Bluetooth pair, root, btmgmt and btmon; returns once both btmon captures have started.</summary>
    public static async Task<LeAdvertisingLab> OpenAsync(string tag, CancellationToken ct)
    {
        var (local, peer) = LabRequire.BluetoothPair();
        LabRequire.Root();
        string btmgmt = LabRequire.Tool("btmgmt");
        string btmon = LabRequire.Tool("btmon");
        var pair = await LowEnergyPair.OpenAsync(local, peer, ct);
        string stem = Path.Combine(Path.GetTempPath(), $"sr-{tag}-{Environment.ProcessId}");
        var peerCapture = Capture.Start(btmon, peer, stem + "-peer.btsnoop");
        var localCapture = Capture.Start(btmon, local, stem + "-local.btsnoop");
        var lab = new LeAdvertisingLab(pair, btmon, btmgmt, peerCapture, localCapture, local, peer);
        // btmon writes the btsnoop header (16 octets) as soon as it runs, then the index's New Index record.
        if (!LabProcess.WaitUntil(() => peerCapture.Started && localCapture.Started, TimeSpan.FromSeconds(30)))
        {
            await lab.DisposeAsync();
            Assert.Fail("btmon did not start");
        }
        return lab;
    }

    /// <summary>
    /// Starts <c>btmgmt find -l</c> on the peer and returns once mgmt reports it Discovering; the returned task completes
    /// with btmgmt's result when its discovery ends.
    /// </summary>
    public async Task<Task<ProcessResult>> StartPeerFindAsync(CancellationToken ct)
    {
        var discovering = Mgmt.Events.FirstAsync(e => e.Code == MgmtEventCode.MGMT_EV_DISCOVERING && e.Index == PeerIndex
            && MgmtEvents.Discovering(e.Parameters.Span).Discovering).ToTask(ct);
        var find = Task.Run(() => LabProcess.Run(Btmgmt, ["--index", PeerIndex.ToString(CultureInfo.InvariantCulture), "find", "-l"], FindTimeout), ct);
        if (await Task.WhenAny(discovering, find, Task.Delay(TimeSpan.FromSeconds(30), ct)) != discovering)
            Assert.Fail("the peer's LE discovery did not start: " + (find.IsCompleted ? (await find).ToString() : "no Discovering event in 30 s"));
        return find;
    }

    /// <summary>Whether btmgmt's output reports our controller (LE Public) with <paramref name="name"/>.</summary>
    public bool Found(ProcessResult find, string name) =>
        find.StandardOutput.Contains($"dev_found: {Format(LocalAddress)} type LE Public", StringComparison.Ordinal)
        && find.StandardOutput.Contains("name " + name, StringComparison.Ordinal);

    /// <summary>Stops both captures (idempotent) and returns btmon's decoding of the peer's or our controller's traffic.</summary>
    public string DecodePeer() => Decode(_peerCapture);

    public string DecodeLocal() => Decode(_localCapture);

    /// <summary>What each controller was told and reported about advertising and scanning, for a failure message.</summary>
    public string HciStory() => Story(Peer, DecodePeer()) + Story(Local, DecodeLocal());

    /// <summary>Active advertising instances on our controller (mgmt Read Advertising Features, Num_Instances).</summary>
    public Task<int> InstanceCountAsync(CancellationToken ct) => InstanceCountAsync(Mgmt, LocalIndex, ct);

    // Read Advertising Features (mgmt-api.txt): Supported_Flags (4) | Max_Adv_Data_Len | Max_Scan_Rsp_Len | Max_Instances | Num_Instances | …
    public static async Task<int> InstanceCountAsync(MgmtClient mgmt, ushort index, CancellationToken ct)
    {
        var r = await mgmt.SendCommandAsync(MgmtOpcode.MGMT_OP_READ_ADV_FEATURES, index, ReadOnlyMemory<byte>.Empty, ct);
        Assert.True(r.Length >= 8, "short Read Advertising Features reply");
        _ = BinaryPrimitives.ReadUInt32LittleEndian(r.Span);
        return r.Span[7];
    }

    /// <summary>Whether btmon decoded manufacturer data of <paramref name="company"/> with exactly these octets.</summary>
    public static bool HasManufacturerData(string btmon, ushort company, ReadOnlySpan<byte> data) =>
        Regex.IsMatch(btmon, string.Create(CultureInfo.InvariantCulture, $@"Company: [^\n]*\({company}\)\s*\n\s*Data: {Convert.ToHexStringLower(data)}\b"));

    /// <summary>A BD_ADDR as BlueZ's tools print and take it ("00:AA:01:01:00:24").</summary>
    public static string Format(ulong address) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(address >> (8 * (5 - i)))).ToString("X2", CultureInfo.InvariantCulture)));

    public static string Tail(string s) => s.Length > 4000 ? s[^4000..] : s;

    public async ValueTask DisposeAsync()
    {
        try
        {
            _peerCapture.Stop();
            _localCapture.Stop();
            File.Delete(_peerCapture.Path);
            File.Delete(_localCapture.Path);
        }
        finally
        {
            await _pair.DisposeAsync();
        }
    }

    private string Decode(Capture capture)
    {
        _peerCapture.Stop();
        _localCapture.Stop();
        return capture.Decoded ??= LabProcess.Run(_btmon, ["-r", capture.Path], TimeSpan.FromSeconds(120)).StandardOutput;
    }

    private static string Story(string adapter, string decoded)
    {
        var lines = decoded.Split('\n');
        var story = new List<string>();
        for (int i = 0; i < lines.Length; i++)
            if (StoryLine.IsMatch(lines[i])) story.AddRange(lines.Skip(i).Take(4).Select(l => l.TrimEnd()));
        string text = string.Join('\n', story);
        return $"--- {adapter} HCI (advertising/scanning) ---\n{(text.Length > 6000 ? text[^6000..] : text)}\n";
    }

    private static readonly Regex StoryLine = new(
        @"(Advertising|Scan) (Enable|Parameters)|Advertising Report|Advertising Data|Start Discovery|Stop Discovery|Add (Ext(ended)? )?Advertising|Remove Advertising|Disconnect");

    /// <summary>One btmon writing an adapter's traffic to a btsnoop file, until <see cref="Stop"/>.</summary>
    private sealed class Capture(int pid, string path)
    {
        private bool _stopped;
        public string Path { get; } = path;
        public string? Decoded { get; set; }
        public bool Started => File.Exists(Path) && new FileInfo(Path).Length > 16;

        public static Capture Start(string btmon, string adapter, string path) => new(LabProcess.StartDetached(btmon, "-i", adapter, "-w", path), path);

        public void Stop()
        {
            if (_stopped) return;
            _stopped = true;
            LabProcess.Run("kill", pid.ToString(CultureInfo.InvariantCulture));
            LabProcess.WaitUntil(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(10));
        }
    }
}
