namespace ShortRange.LowPan;

/// <summary>Options of the IEEE 802.15.4 / 6LoWPAN module (<c>AddLowPan</c>).</summary>
public sealed class LowPanOptions
{
    /// <summary>wpan interfaces the scanner listens on; empty = every wpan interface present when the scan starts.</summary>
    public IList<string> Interfaces { get; } = [];
    /// <summary>The adapter monitor follows rtnetlink link events (default); off = it polls sysfs every <see cref="AdapterPollInterval"/>.</summary>
    public bool UseLinkEvents { get; set; } = true;
    /// <summary>How often the adapter monitor rereads sysfs when it polls (link events off or netlink unavailable).</summary>
    public TimeSpan AdapterPollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Root of the sysfs network class (tests point it elsewhere).</summary>
    public string SysClassNet { get; set; } = "/sys/class/net";
}
