namespace ShortRange.Bluetooth.Bnep;

/// <summary>A network interface appearing, changing or leaving this network namespace (RTM_NEWLINK / RTM_DELLINK).</summary>
/// <param name="MovedAway">RTM_DELLINK caused by a move to another namespace (IFLA_NEW_NETNSID present), not a deletion.</param>
internal sealed record BnepLinkEvent(int Index, string Name, bool Removed, bool MovedAway);

/// <summary>The rtnetlink operations PAN needs (links, bridge, up); faked in unit tests.</summary>
internal interface IPanNetwork : IDisposable
{
    /// <summary>Link events of this namespace; subscribing joins RTNLGRP_LINK before returning.</summary>
    IObservable<BnepLinkEvent> LinkEvents { get; }

    Task<int?> FindLinkAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates the bridge (kind "bridge") unless it exists, and sets it up; returns its index and whether it was created.</summary>
    Task<(int Index, bool Created)> EnsureBridgeAsync(string name, CancellationToken cancellationToken);

    Task SetMasterAsync(int index, int masterIndex, CancellationToken cancellationToken);

    Task SetUpAsync(int index, CancellationToken cancellationToken);

    Task DeleteLinkAsync(int index, CancellationToken cancellationToken);
}
