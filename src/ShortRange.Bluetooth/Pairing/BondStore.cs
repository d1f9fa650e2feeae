using System.Globalization;
using System.Runtime.InteropServices;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Pairing;

/// <summary>
/// Persists bonds: one file per peer under &lt;root&gt;/&lt;controller address&gt;/&lt;peer address&gt;_&lt;type&gt;.bond, mode 0600.
/// Writes are crash-safe: write a temp file, fsync it, rename over the old file, fsync the directory. A corrupt
/// file is reported by <see cref="Load"/> and skipped; other bonds still load.
/// </summary>
public sealed partial class BondStore
{
    private readonly string _root;
    private readonly Lock _gate = new();

    public BondStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = root;
    }

    private string ControllerDir(ulong controller) =>
        Path.Combine(_root, new BluetoothDeviceAddress(controller, BluetoothAddressType.BrEdr).ToString().Replace(':', '_'));

    private static string FileName(BluetoothDeviceAddress a) =>
        a.ToString().Replace(':', '_') + "_" + ((byte)a.Type).ToString(CultureInfo.InvariantCulture) + ".bond";

    /// <summary>All readable bonds of <paramref name="controller"/>; unreadable files go to <paramref name="errors"/>.</summary>
    public IReadOnlyList<Bond> Load(ulong controller, out IReadOnlyList<BondLoadError> errors)
    {
        var bonds = new List<Bond>();
        var errs = new List<BondLoadError>();
        var dir = ControllerDir(controller);
        if (Directory.Exists(dir))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*.bond").Order(StringComparer.Ordinal))
            {
                try { bonds.Add(BondFileFormat.Read(File.ReadAllText(file))); }
                catch (Exception ex) when (ex is FormatException or IOException or OverflowException or ArgumentException)
                {
                    errs.Add(new BondLoadError(file, ex.Message));
                }
            }
        }
        errors = errs;
        return bonds;
    }

    public Bond? Find(ulong controller, BluetoothDeviceAddress address)
    {
        var path = Path.Combine(ControllerDir(controller), FileName(address));
        return File.Exists(path) ? BondFileFormat.Read(File.ReadAllText(path)) : null;
    }

    public void SaveLinkKey(ulong controller, LinkKey key) =>
        Update(controller, key.Address, b => b with { LinkKey = key });

    /// <summary>Keeps one LTK per (central/peripheral) role, replacing the older one.</summary>
    public void SaveLongTermKey(ulong controller, LongTermKey key) =>
        Update(controller, key.Address, b => b with { LongTermKeys = [.. b.LongTermKeys.Where(k => k.Central != key.Central), key] });

    public void SaveIrk(ulong controller, IdentityResolvingKey key) =>
        Update(controller, key.Address, b => b with { Irk = key });

    public bool Remove(ulong controller, BluetoothDeviceAddress address)
    {
        var path = Path.Combine(ControllerDir(controller), FileName(address));
        lock (_gate)
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            FsyncDirectory(Path.GetDirectoryName(path)!);
            return true;
        }
    }

    private void Update(ulong controller, BluetoothDeviceAddress address, Func<Bond, Bond> change)
    {
        lock (_gate)
        {
            var dir = ControllerDir(controller);
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var path = Path.Combine(dir, FileName(address));
            Bond current;
            try { current = File.Exists(path) ? BondFileFormat.Read(File.ReadAllText(path)) : new Bond(address, null, [], null); }
            catch (FormatException) { current = new Bond(address, null, [], null); } // a corrupt old file is replaced by fresh keys
            WriteAtomically(path, BondFileFormat.Write(change(current)));
        }
    }

    private static void WriteAtomically(string path, string text)
    {
        var tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var fs = new FileStream(tmp, options))
        {
            fs.Write(System.Text.Encoding.UTF8.GetBytes(text));
            fs.Flush(flushToDisk: true); // fsync: the data is durable before the rename makes it visible
        }
        File.Move(tmp, path, overwrite: true); // rename(2): atomic replacement
        FsyncDirectory(Path.GetDirectoryName(path)!);
    }

    private static void FsyncDirectory(string dir)
    {
        // The rename lives in the directory; without fsync on it a crash can lose the new name.
        int fd = open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return;
        _ = fsync(fd);
        _ = close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
