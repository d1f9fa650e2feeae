namespace ShortRange;

/// <summary>The radio technologies the SDK drives.</summary>
public enum Technology
{
    Bluetooth,
    /// <summary>IEEE 802.15.4 (and 6LoWPAN on top of it).</summary>
    Ieee802154,
    Nfc,
}
