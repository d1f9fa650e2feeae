using ShortRange.Bluetooth.Mgmt;
using ShortRange.Bluetooth.Pairing;
using ShortRange.Devices;

namespace ShortRange.Robustness.Tests.Findings;

/// <summary>
/// Finding 1 (fuzzer, BondFileFormat.Read): a number too large for its field (here the LTK's 64-bit Rand, or an
/// Address_Type of 300) escaped as <see cref="OverflowException"/> instead of the documented <see cref="FormatException"/>.
/// BondStore's save path only catches FormatException, so one corrupt file made every later key save for that peer throw.
/// Fixed in src/ShortRange.Bluetooth/Pairing/BondFileFormat.cs (Read wraps OverflowException in FormatException).
/// </summary>
public class BondFileFindingTests
{
    private const string Valid = "version=1\naddress=C0:11:22:33:44:55\naddress_type=2\n";

    [Theory]
    [InlineData(Valid + "ltk=1,1,16,4660,99999999999999999999999,000102030405060708090A0B0C0D0E0F\n")]
    [InlineData("version=1\naddress=C0:11:22:33:44:55\naddress_type=300\n")]
    [InlineData(Valid + "link_key=4,00000000000000000000000000000000,256\n")]
    [InlineData(Valid + "ltk=1,1,16,70000,1,000102030405060708090A0B0C0D0E0F\n")]
    public void Oversized_numbers_are_a_FormatException(string text)
    {
        var ex = Assert.Throws<FormatException>(() => BondFileFormat.Read(text));
        Assert.IsType<OverflowException>(ex.InnerException);
    }

    [Fact]
    public void A_corrupt_bond_file_with_an_oversized_number_is_replaced_on_the_next_key_save()
    {
        string root = Path.Combine(Path.GetTempPath(), "sr-bond-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new BondStore(root);
            var peer = new BluetoothDeviceAddress(0xC01122334455, BluetoothAddressType.LeRandom);
            var irk = new IdentityResolvingKey(peer, Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
            store.SaveIrk(0x001122334455, irk);
            string file = Directory.GetFiles(root, "*.bond", SearchOption.AllDirectories).Single();
            File.WriteAllText(file, Valid + "ltk=1,1,16,4660,99999999999999999999999,000102030405060708090A0B0C0D0E0F\n");

            store.SaveIrk(0x001122334455, irk); // threw OverflowException before the fix

            var bonds = store.Load(0x001122334455, out var errors);
            Assert.Empty(errors);
            Assert.Equal(irk.Value, Assert.Single(bonds).Irk!.Value);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
