namespace ShortRange.Bluetooth.Advertising;

/// <summary>
/// The advertising data or scan response is longer than the kernel accepts for the instance (MaxAdvDataLen /
/// MaxScanRspLen of Add Extended Advertising Parameters, which account for the fields the kernel adds).
/// </summary>
public class AdvertisingDataTooLongException : AdvertisingDataException
{
    public AdvertisingDataTooLongException(string message, int advertisingDataLength, int maxAdvertisingDataLength, int scanResponseLength, int maxScanResponseLength)
        : base(message)
    {
        AdvertisingDataLength = advertisingDataLength;
        MaxAdvertisingDataLength = maxAdvertisingDataLength;
        ScanResponseLength = scanResponseLength;
        MaxScanResponseLength = maxScanResponseLength;
    }

    public int AdvertisingDataLength { get; }
    public int MaxAdvertisingDataLength { get; }
    public int ScanResponseLength { get; }
    public int MaxScanResponseLength { get; }
}
