using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Tests.Pairing;

public sealed class BondStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sr-bonds-" + Guid.NewGuid().ToString("N"));
    private const ulong Controller = 0x00AA01000000;
    private static readonly BluetoothDeviceAddress Peer = new(0x00AA01010000, BluetoothAddressType.BrEdr);
    private static readonly BluetoothDeviceAddress LePeer = new(0xC0AA01010000, BluetoothAddressType.LeRandom);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static byte[] K(byte b) => Enumerable.Repeat(b, 16).ToArray();

    [Fact]
    public void Keys_survive_a_new_store_instance_with_0600_files()
    {
        var s = new BondStore(_dir);
        s.SaveLinkKey(Controller, new LinkKey(Peer, 0x05, K(1), 0));
        s.SaveLongTermKey(Controller, new LongTermKey(LePeer, 1, true, 16, 0x1234, 99, K(2)));
        s.SaveLongTermKey(Controller, new LongTermKey(LePeer, 1, false, 16, 0x5678, 77, K(3)));
        s.SaveLongTermKey(Controller, new LongTermKey(LePeer, 1, true, 16, 0x9999, 55, K(4))); // replaces the first
        s.SaveIrk(Controller, new IdentityResolvingKey(LePeer, K(5)));

        var bonds = new BondStore(_dir).Load(Controller, out var errors);
        Assert.Empty(errors);
        Assert.Equal(2, bonds.Count);
        var br = Assert.Single(bonds, b => b.Address == Peer);
        Assert.Equal(K(1), br.LinkKey!.Value);
        Assert.Equal(0x05, br.LinkKey.KeyType);
        var le = Assert.Single(bonds, b => b.Address == LePeer);
        Assert.Equal(2, le.LongTermKeys.Count);
        Assert.Equal(K(4), le.LongTermKeys.Single(k => k.Central).Value);
        Assert.Equal((ushort)0x9999, le.LongTermKeys.Single(k => k.Central).EncryptionDiversifier);
        Assert.Equal(K(5), le.Irk!.Value);
        foreach (var f in OperatingSystem.IsWindows() ? [] : Directory.EnumerateFiles(_dir, "*.bond", SearchOption.AllDirectories))
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f));
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_corrupt_file_is_reported_and_skipped_without_losing_others()
    {
        var s = new BondStore(_dir);
        s.SaveLinkKey(Controller, new LinkKey(Peer, 4, K(1), 0));
        s.SaveIrk(Controller, new IdentityResolvingKey(LePeer, K(2)));
        var victim = Directory.EnumerateFiles(_dir, "*_2.bond", SearchOption.AllDirectories).Single();
        File.WriteAllText(victim, "version=1\naddress=C0:AA:01:01:00:00\naddress_type=2\nirk=ZZ\n");
        var bonds = s.Load(Controller, out var errors);
        Assert.Equal(Peer, Assert.Single(bonds).Address);
        Assert.Equal(victim, Assert.Single(errors).Path);
    }

    [Fact]
    public void Remove_deletes_only_that_bond()
    {
        var s = new BondStore(_dir);
        s.SaveLinkKey(Controller, new LinkKey(Peer, 4, K(1), 0));
        Assert.True(s.Remove(Controller, Peer));
        Assert.False(s.Remove(Controller, Peer));
        Assert.Empty(s.Load(Controller, out _));
        Assert.Empty(s.Load(0x1234, out _));
    }
}
