using System.Globalization;

namespace ShortRange.HwTests.Infrastructure;

/// <summary>
/// Reconfigures the lab's virtual radios from a test (inside the lab only; call <see cref="LabRequire.InLab"/> first).
/// The guest init starts <c>btvirt -l2</c> and records its pid in <see cref="BtvirtPidFile"/>.
/// </summary>
public static class LabControl
{
    /// <summary>Where the guest init (and <see cref="RestartBtvirt"/>) records btvirt's pid.</summary>
    public const string BtvirtPidFile = "/run/shortrange-lab/btvirt.pid";

    private static readonly TimeSpan RadioTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Names under /sys/class/bluetooth (hci0, hci1 …).</summary>
    public static IReadOnlyList<string> BluetoothControllers() => List("/sys/class/bluetooth");

    /// <summary>Names under /sys/class/nfc (nfc0, nfc1 …) in index order.</summary>
    public static IReadOnlyList<string> NfcDevices() =>
        List("/sys/class/nfc").OrderBy(n => int.TryParse(n.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : int.MaxValue).ToList();

    /// <summary>Stops btvirt (its controllers disappear) and waits until none is left.</summary>
    public static void StopBtvirt()
    {
        if (File.Exists(BtvirtPidFile)
            && int.TryParse(File.ReadAllText(BtvirtPidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            LabProcess.Run("kill", pid.ToString(CultureInfo.InvariantCulture));
            File.Delete(BtvirtPidFile);
        }
        if (!LabProcess.WaitUntil(() => BluetoothControllers().Count == 0, RadioTimeout))
            throw new TimeoutException($"Bluetooth controllers still present after stopping btvirt: {string.Join(", ", BluetoothControllers())}.");
    }

    /// <summary>
    /// Restarts btvirt with <paramref name="controllers"/> local controllers and waits until every one finished its
    /// setup (fresh hci0…). Under TCG a controller's HCI_Reset sometimes times out, leaving it with the zero address:
    /// then btvirt is started again (up to three times), as the guest init does.
    /// </summary>
    public static void RestartBtvirt(int controllers = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(controllers, 1);
        string btvirt = LabProcess.FindTool("btvirt") ?? throw new InvalidOperationException("btvirt is not installed.");
        for (int attempt = 1; ; attempt++)
        {
            StopBtvirt();
            int pid = LabProcess.StartDetached(btvirt, $"-l{controllers}");
            Directory.CreateDirectory(Path.GetDirectoryName(BtvirtPidFile)!);
            File.WriteAllText(BtvirtPidFile, pid.ToString(CultureInfo.InvariantCulture));
            if (!LabProcess.WaitUntil(() => BluetoothControllers().Count >= controllers, RadioTimeout))
                throw new TimeoutException($"btvirt -l{controllers} created only {BluetoothControllers().Count} controllers.");
            if (LabProcess.WaitUntil(() => BluetoothControllers().All(HasAddress), TimeSpan.FromSeconds(10))) return;
            if (attempt == 3)
                throw new TimeoutException($"btvirt -l{controllers}: a controller failed its setup three times (see dmesg).");
        }
    }

    /// <summary>
    /// In the lab, when btvirt has died (BlueZ's emulator has crashed there once: a use-after-free at the end of an
    /// inquiry), starts it again so one crash costs one test, not every Bluetooth test after it. Noted in /lab/notes,
    /// which hwtests/lab/run prints.
    /// </summary>
    public static void ReviveBtvirt()
    {
        if (File.Exists(BtvirtPidFile)
            && int.TryParse(File.ReadAllText(BtvirtPidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            && Directory.Exists($"/proc/{pid}"))
            return; // alive: the missing controller is the test's own business (e.g. it was just removed)
        try { File.AppendAllText("/lab/notes", "lab: btvirt was not running (crashed? see dmesg); restarted it\n"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        RestartBtvirt();
    }

    // hciconfig prints "BD Address: 00:00:00:00:00:00" until the controller's setup (Read BD_ADDR) has completed.
    private static bool HasAddress(string controller) =>
        LabProcess.Run("hciconfig", controller) is { ExitCode: 0 } r
        && !r.StandardOutput.Contains("BD Address: 00:00:00:00:00:00", StringComparison.Ordinal);

    /// <summary>Unloads and reloads a kernel module (e.g. "nfcsim", or "mac802154_hwsim" with "radios=3") and waits briefly.</summary>
    public static void ReloadModule(string module, params string[] parameters)
    {
        LabProcess.Run("modprobe", "-r", module).EnsureSuccess();
        LabProcess.Run("modprobe", [module, .. parameters], null).EnsureSuccess();
    }

    /// <summary>
    /// Adds a mac802154_hwsim radio (<c>wpan-hwsim add</c>); returns its hwsim index and new wpan interface. The new
    /// radio has no edges: connect it with <see cref="AddHwsimEdge"/> (both directions) to hear the others.
    /// </summary>
    public static (int Index, string Interface) AddHwsimRadio()
    {
        var before = List("/sys/class/net").Where(LabRequire.IsWpan).ToHashSet();
        // Prints "wpan_hwsim radio2 registered."
        string output = LabProcess.Run("wpan-hwsim", "add").EnsureSuccess().StandardOutput;
        var match = System.Text.RegularExpressions.Regex.Match(output, @"radio(\d+) registered");
        if (!match.Success) throw new InvalidOperationException($"Unexpected 'wpan-hwsim add' output: {output}");
        string? added = null;
        if (!LabProcess.WaitUntil(() => (added = List("/sys/class/net").Where(LabRequire.IsWpan).FirstOrDefault(n => !before.Contains(n))) is not null, RadioTimeout))
            throw new TimeoutException("wpan-hwsim add created no wpan interface.");
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), added!);
    }

    /// <summary>Lets hwsim radio <paramref name="from"/> reach <paramref name="to"/> (one direction; call twice for both).</summary>
    public static void AddHwsimEdge(int from, int to) =>
        LabProcess.Run("wpan-hwsim", "edge", "add", from.ToString(CultureInfo.InvariantCulture), to.ToString(CultureInfo.InvariantCulture)).EnsureSuccess();

    /// <summary>Removes a mac802154_hwsim radio by its hwsim index (as <see cref="AddHwsimRadio"/> returned).</summary>
    public static void DeleteHwsimRadio(int index) =>
        LabProcess.Run("wpan-hwsim", "del", index.ToString(CultureInfo.InvariantCulture)).EnsureSuccess();

    private static List<string> List(string dir) =>
        Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList() : [];
}
