namespace ShortRange.Bluetooth.Rfcomm;

/// <summary>The peer's SDP server lists no record with an RFCOMM channel for the service UUID.</summary>
public sealed class RfcommServiceNotFoundException : RfcommException
{
    public RfcommServiceNotFoundException(Guid service, ulong remote)
        : base($"no SDP record with an RFCOMM channel for service {service} on {remote:X12}") => Service = service;

    public Guid Service { get; }
}
