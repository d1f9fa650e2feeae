using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ShortRange.Bluetooth.Advertising;

/// <summary>
/// Decodes EIR / AD data: a sequence of AD structures Length (1) | AD Type (1) | Data (Length − 1)
/// (Core Vol 3 Part C §8 and §11). A zero Length ends the significant part (the rest is padding).
/// Unknown types are skipped; a structure running past the end or a field of the wrong size throws
/// <see cref="AdvertisingDataException"/>.
/// </summary>
public static class AdvertisingDataParser
{
    public static BluetoothDeviceDetails Parse(ReadOnlySpan<byte> data, uint mgmtFlags = 0)
    {
        var d = new BluetoothDeviceDetails(data.ToArray(), mgmtFlags);
        var uuids = new List<Guid>();
        var manufacturer = new Dictionary<ushort, byte[]>();
        var serviceData = new Dictionary<Guid, byte[]>();
        int pos = 0;
        while (pos < data.Length)
        {
            int len = data[pos];
            if (len == 0) break;
            if (pos + 1 + len > data.Length)
                throw new AdvertisingDataException(string.Create(CultureInfo.InvariantCulture,
                    $"AD structure at offset {pos} declares {len} bytes but only {data.Length - pos - 1} remain"));
            byte type = data[pos + 1];
            var v = data.Slice(pos + 2, len - 1);
            switch (type)
            {
                case AdType.Flags:
                    d.Flags = v.Length >= 1 ? v[0] : throw Bad(type, v.Length);
                    break;
                case AdType.IncompleteUuid16:
                case AdType.CompleteUuid16:
                    ReadUuids(v, 2, type, uuids);
                    d.ServiceUuidsIncomplete |= type == AdType.IncompleteUuid16;
                    break;
                case AdType.IncompleteUuid32:
                case AdType.CompleteUuid32:
                    ReadUuids(v, 4, type, uuids);
                    d.ServiceUuidsIncomplete |= type == AdType.IncompleteUuid32;
                    break;
                case AdType.IncompleteUuid128:
                case AdType.CompleteUuid128:
                    ReadUuids(v, 16, type, uuids);
                    d.ServiceUuidsIncomplete |= type == AdType.IncompleteUuid128;
                    break;
                case AdType.ShortenedLocalName:
                    d.ShortName = Name(v);
                    break;
                case AdType.CompleteLocalName:
                    d.CompleteName = Name(v);
                    break;
                case AdType.TxPowerLevel:
                    d.TxPower = v.Length == 1 ? (sbyte)v[0] : throw Bad(type, v.Length);
                    break;
                case AdType.ClassOfDevice:
                    d.ClassOfDevice = v.Length == 3 ? (uint)(v[0] | (v[1] << 8) | (v[2] << 16)) : throw Bad(type, v.Length);
                    break;
                case AdType.Appearance:
                    d.Appearance = v.Length == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(v) : throw Bad(type, v.Length);
                    break;
                case AdType.ManufacturerSpecificData:
                    if (v.Length < 2) throw Bad(type, v.Length);
                    manufacturer[BinaryPrimitives.ReadUInt16LittleEndian(v)] = v[2..].ToArray();
                    break;
                case AdType.ServiceData16:
                    if (v.Length < 2) throw Bad(type, v.Length);
                    serviceData[BluetoothUuid.FromShort(BinaryPrimitives.ReadUInt16LittleEndian(v))] = v[2..].ToArray();
                    break;
                case AdType.ServiceData32:
                    if (v.Length < 4) throw Bad(type, v.Length);
                    serviceData[BluetoothUuid.FromShort(BinaryPrimitives.ReadUInt32LittleEndian(v))] = v[4..].ToArray();
                    break;
                case AdType.ServiceData128:
                    if (v.Length < 16) throw Bad(type, v.Length);
                    serviceData[BluetoothUuid.FromLittleEndian128(v)] = v[16..].ToArray();
                    break;
            }
            pos += 1 + len;
        }
        d.ServiceUuids = uuids;
        d.ManufacturerData = manufacturer;
        d.ServiceData = serviceData;
        return d;
    }

    private static void ReadUuids(ReadOnlySpan<byte> v, int size, byte type, List<Guid> into)
    {
        if (v.Length % size != 0) throw Bad(type, v.Length);
        for (int i = 0; i < v.Length; i += size)
        {
            var u = size switch
            {
                2 => BluetoothUuid.FromShort(BinaryPrimitives.ReadUInt16LittleEndian(v[i..])),
                4 => BluetoothUuid.FromShort(BinaryPrimitives.ReadUInt32LittleEndian(v[i..])),
                _ => BluetoothUuid.FromLittleEndian128(v.Slice(i, 16)),
            };
            if (!into.Contains(u)) into.Add(u);
        }
    }

    // Names are UTF-8 (Core Vol 3 Part C §12.1); some stacks pad with NULs.
    private static string Name(ReadOnlySpan<byte> v)
    {
        int nul = v.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? v : v[..nul]);
    }

    private static AdvertisingDataException Bad(byte type, int length) =>
        new(string.Create(CultureInfo.InvariantCulture, $"AD type 0x{type:X2} has an invalid data length {length}"));
}
