namespace ShortRange.Nfc.Errors;

/// <summary>neard does not own its bus name ("org.neard") on the bus the client connected to.</summary>
public sealed class NeardNotRunningException : NeardException
{
    public NeardNotRunningException(string busAddress, Exception? innerException = null)
        : base("org.freedesktop.DBus.Error.ServiceUnknown",
            $"neard is not running: nothing owns org.neard on {busAddress} (install and start neard, e.g. 'systemctl start neard')", innerException)
    {
        BusAddress = busAddress;
    }

    public string BusAddress { get; }
}
