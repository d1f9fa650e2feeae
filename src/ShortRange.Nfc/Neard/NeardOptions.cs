namespace ShortRange.Nfc.Neard;

/// <summary>Options of the neard module (<c>AddNeard(o => …)</c>).</summary>
public sealed class NeardOptions
{
    /// <summary>D-Bus address of the bus neard is on; null means the system bus.</summary>
    public string? BusAddress { get; set; }

    /// <summary>Adapter to poll with ("nfc0"); null picks the first adapter.</summary>
    public string? Adapter { get; set; }

    /// <summary>StartPollLoop mode.</summary>
    public NeardPollMode PollMode { get; set; } = NeardPollMode.Initiator;

    /// <summary>Set Powered when a scan starts and the adapter is off.</summary>
    public bool PowerOnForScan { get; set; } = true;

    /// <summary>Start the poll loop again after a tag or device went away (neard ends the loop when it finds one).</summary>
    public bool RestartPollAfterLoss { get; set; } = true;
}
