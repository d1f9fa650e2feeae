using System.Buffers.Binary;
using System.Globalization;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>Return parameters of Add Extended Advertising Parameters: Instance, TxPower, MaxAdvDataLen, MaxScanRspLen.</summary>
/// <param name="TxPower">dBm the controller selected; 127 (HCI "no preference"/not available) when it chose none.</param>
public readonly record struct AddExtAdvParamsReturn(byte Instance, sbyte TxPower, byte MaxAdvDataLength, byte MaxScanResponseLength);

/// <summary>Parameter layouts of the mgmt advertising commands (BlueZ doc/mgmt-api.txt). Pure: bytes in, bytes out.</summary>
public static class MgmtAdvertising
{
    /// <summary>Advertising intervals are whole 0.625 ms slots in [0x000020, 0xFFFFFF] (mgmt-api.txt; Core Vol 4 Part E §7.8.53).</summary>
    public const uint MinIntervalUnits = 0x000020, MaxIntervalUnits = 0xFFFFFF;

    /// <summary>Requested TX power range in dBm (Core Vol 4 Part E §7.8.53; mgmt-api.txt).</summary>
    public const sbyte MinTxPower = -127, MaxTxPower = 20;

    /// <summary>HCI's "no preference" / "not available" TX power (Core Vol 4 Part E §7.8.53).</summary>
    public const sbyte TxPowerNoPreference = 127;

    /// <summary>Add Advertising (0x003E): Instance (1), Flags (4), Duration (2), Timeout (2), Adv_Data_Len (1), Scan_Rsp_Len (1), Adv_Data, Scan_Rsp.</summary>
    public static byte[] AddAdvertising(byte instance, uint flags, ushort duration, ushort timeout, ReadOnlySpan<byte> advertisingData, ReadOnlySpan<byte> scanResponse)
    {
        CheckData(advertisingData, scanResponse);
        var p = new byte[11 + advertisingData.Length + scanResponse.Length];
        p[0] = instance;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(1), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(5), duration);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(7), timeout);
        p[9] = (byte)advertisingData.Length;
        p[10] = (byte)scanResponse.Length;
        advertisingData.CopyTo(p.AsSpan(11));
        scanResponse.CopyTo(p.AsSpan(11 + advertisingData.Length));
        return p;
    }

    /// <summary>
    /// Add Extended Advertising Parameters (0x0054): Instance (1), Flags (4), Duration (2), Timeout (2),
    /// MinInterval (4), MaxInterval (4), TxPower (1): 18 octets. Intervals in 0.625 ms slots.
    /// </summary>
    public static byte[] AddExtAdvParams(byte instance, uint flags, ushort duration, ushort timeout, uint minInterval, uint maxInterval, sbyte txPower)
    {
        var p = new byte[18];
        p[0] = instance;
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(1), flags);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(5), duration);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(7), timeout);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(9), minInterval);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(13), maxInterval);
        p[17] = (byte)txPower;
        return p;
    }

    /// <summary>Decodes the return parameters of Add Extended Advertising Parameters (4 octets).</summary>
    public static AddExtAdvParamsReturn ReadAddExtAdvParamsReturn(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Add Extended Advertising Parameters");
        return new AddExtAdvParamsReturn(r.U8(), (sbyte)r.U8(), r.U8(), r.U8());
    }

    /// <summary>
    /// Add Extended Advertising Data (0x0055): Instance (1), Advertising Data Length (1), Scan Response Length (1),
    /// Advertising Data, Scan Response.
    /// </summary>
    public static byte[] AddExtAdvData(byte instance, ReadOnlySpan<byte> advertisingData, ReadOnlySpan<byte> scanResponse)
    {
        CheckData(advertisingData, scanResponse);
        var p = new byte[3 + advertisingData.Length + scanResponse.Length];
        p[0] = instance;
        p[1] = (byte)advertisingData.Length;
        p[2] = (byte)scanResponse.Length;
        advertisingData.CopyTo(p.AsSpan(3));
        scanResponse.CopyTo(p.AsSpan(3 + advertisingData.Length));
        return p;
    }

    /// <summary>An advertising interval as 0.625 ms slots, rounded to the nearest slot; outside [0x20, 0xFFFFFF] throws.</summary>
    public static uint IntervalUnits(TimeSpan interval, string paramName)
    {
        // 0.625 ms = 6,250 ticks of 100 ns, so whole slots convert exactly.
        double slots = Math.Round(interval.Ticks / 6250.0, MidpointRounding.AwayFromZero);
        if (slots < MinIntervalUnits || slots > MaxIntervalUnits)
            throw new ArgumentOutOfRangeException(paramName, interval, string.Create(CultureInfo.InvariantCulture,
                $"an advertising interval is 20 ms (0x20 × 0.625 ms) to {MaxIntervalUnits * 0.625 / 1000:0.###} s (0xFFFFFF × 0.625 ms)"));
        return (uint)slots;
    }

    private static void CheckData(ReadOnlySpan<byte> advertisingData, ReadOnlySpan<byte> scanResponse)
    {
        // The length fields are one octet each.
        if (advertisingData.Length > byte.MaxValue || scanResponse.Length > byte.MaxValue)
            throw new ArgumentException("advertising data and scan response are at most 255 octets each");
    }
}
