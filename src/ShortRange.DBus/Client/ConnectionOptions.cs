using Microsoft.Extensions.Logging;

namespace ShortRange.DBus;

/// <summary>Options for a <see cref="Connection"/>.</summary>
public sealed class ConnectionOptions
{
    /// <summary>The bus address list (e.g. <see cref="DBusAddress.SystemBusAddress"/>).</summary>
    public string Address { get; set; } = DBusAddress.SystemBusAddress;

    /// <summary>Reply timeout of method calls; libdbus's default is 25 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Negotiate Unix fd passing (NEGOTIATE_UNIX_FD).</summary>
    public bool UnixFdPassing { get; set; } = true;

    /// <summary>Logger for dropped messages and handler failures.</summary>
    public ILogger? Logger { get; set; }
}
