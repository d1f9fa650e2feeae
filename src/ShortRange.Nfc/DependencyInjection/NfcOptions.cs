using ShortRange.Nfc.Netlink;

namespace ShortRange.Nfc;

/// <summary>Options of the NFC module (<c>AddNfc(o => …)</c>).</summary>
public sealed class NfcOptions
{
    /// <summary>Device to poll with ("nfc0"); null picks the first device.</summary>
    public string? Adapter { get; set; }

    /// <summary>Protocols to poll for as initiator; <see cref="NfcProtocols.None"/> means everything the device supports.</summary>
    public NfcProtocols InitiatorProtocols { get; set; } = NfcProtocols.None;

    /// <summary>Protocols to listen for as a target while polling (e.g. <see cref="NfcProtocols.NfcDep"/> for peer-to-peer).</summary>
    public NfcProtocols TargetProtocols { get; set; } = NfcProtocols.None;

    /// <summary>Power the device up when a scan starts and it is down.</summary>
    public bool PowerOnForScan { get; set; } = true;

    /// <summary>Poll again after a target was lost (or its DEP link went down) while the scan runs.</summary>
    public bool RestartPollAfterLoss { get; set; } = true;
}
