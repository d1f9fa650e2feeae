using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Neard.Bus;

/// <summary>Calls on one neard object (org.neard at <see cref="Path"/>); D-Bus error replies become NeardException.</summary>
internal sealed class NeardObjectProxy(NeardClient client, string path)
{
    public string Path { get; } = path;

    private DBusConnection Connection => client.Bus.Connection;

    /// <summary>org.freedesktop.DBus.Properties.GetAll(interface).</summary>
    public Task<Dictionary<string, object>> GetAllAsync(string @interface, CancellationToken cancellationToken)
    {
        MessageBuffer call;
        using (var w = Connection.GetMessageWriter())
        {
            w.WriteMethodCallHeader(NeardNames.Service, Path, "org.freedesktop.DBus.Properties", "GetAll", "s");
            w.WriteString(@interface);
            call = w.CreateMessage();
        }
        return NeardErrors.Call(client.Bus.CallAsync(call, static (m, _) =>
        {
            var r = m.GetBodyReader();
            return NeardValues.ReadStringVariantDictionary(ref r);
        }, cancellationToken), client.BusAddress);
    }

    /// <summary>org.freedesktop.DBus.Properties.Set(interface, name, boolean).</summary>
    public Task SetAsync(string @interface, string name, bool value, CancellationToken cancellationToken)
    {
        MessageBuffer call;
        using (var w = Connection.GetMessageWriter())
        {
            w.WriteMethodCallHeader(NeardNames.Service, Path, "org.freedesktop.DBus.Properties", "Set", "ssv");
            w.WriteString(@interface);
            w.WriteString(name);
            w.WriteVariantBool(value);
            call = w.CreateMessage();
        }
        return NeardErrors.Call(client.Bus.CallAsync(call, cancellationToken), client.BusAddress);
    }

    /// <summary>A method with no argument, or one string argument.</summary>
    public Task CallAsync(string @interface, string member, string? argument, CancellationToken cancellationToken)
    {
        MessageBuffer call;
        using (var w = Connection.GetMessageWriter())
        {
            w.WriteMethodCallHeader(NeardNames.Service, Path, @interface, member, argument is null ? null : "s");
            if (argument is not null) w.WriteString(argument);
            call = w.CreateMessage();
        }
        return NeardErrors.Call(client.Bus.CallAsync(call, cancellationToken), client.BusAddress);
    }

    /// <summary>A method taking one a{sv} (Tag.Write, Device.Push).</summary>
    public Task CallAsync(string @interface, string member, IEnumerable<KeyValuePair<string, object>> dictionary, CancellationToken cancellationToken)
    {
        MessageBuffer call;
        // Not a using variable: the writer must go by ref to the dictionary writer (a copy would corrupt the message).
        MessageWriter w = Connection.GetMessageWriter();
        try
        {
            w.WriteMethodCallHeader(NeardNames.Service, Path, @interface, member, "a{sv}");
            NeardValues.WriteStringVariantDictionary(ref w, dictionary);
            call = w.CreateMessage();
        }
        finally
        {
            w.Dispose();
        }
        return NeardErrors.Call(client.Bus.CallAsync(call, cancellationToken), client.BusAddress);
    }
}
