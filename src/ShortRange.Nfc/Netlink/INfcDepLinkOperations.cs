namespace ShortRange.Nfc.Netlink;

/// <summary>
/// The five netlink operations <see cref="NfcDepLinker"/> drives, so its re-poll logic can be tested without a kernel.
/// <see cref="NfcNetlinkClient"/> is the real implementation.
/// </summary>
internal interface INfcDepLinkOperations
{
    IObservable<NfcEvent> Events { get; }

    Task StartPollAsync(uint deviceIndex, NfcProtocols initiatorProtocols, NfcProtocols targetProtocols, CancellationToken cancellationToken = default);

    Task StopPollAsync(uint deviceIndex, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<NfcTargetInfo>> GetTargetsAsync(uint deviceIndex, CancellationToken cancellationToken = default);

    Task DepLinkUpAsync(uint deviceIndex, uint? targetIndex, NfcCommMode commMode = NfcCommMode.Passive, CancellationToken cancellationToken = default);
}
