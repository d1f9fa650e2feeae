using System.Text;

namespace ShortRange.DBus;

/// <summary>
/// One interface of an exported object: method dispatch (switch on <see cref="Message.Member"/>, no reflection),
/// its introspection XML, and its properties (served through org.freedesktop.DBus.Properties).
/// </summary>
public abstract class DBusInterface
{
    private Connection? _connection;
    private string? _path;

    /// <summary>Interface name, e.g. "org.neard.HandoverAgent".</summary>
    public abstract string Name { get; }

    /// <summary>The members as introspection XML (the content of the &lt;interface&gt; element: methods, signals, properties).</summary>
    public virtual string IntrospectionMembersXml => "";

    /// <summary>Handles a call to this interface; reply via the context, or throw <see cref="DBusErrorException"/>.
    /// Returning without a reply sends UnknownMethod.</summary>
    public abstract ValueTask HandleMethodAsync(MethodContext context);

    /// <summary>Reads one property (false = no such property).</summary>
    public virtual bool TryGetProperty(string name, out VariantValue value)
    {
        value = default;
        return false;
    }

    /// <summary>All readable properties.</summary>
    public virtual IEnumerable<KeyValuePair<string, VariantValue>> GetProperties() => [];

    /// <summary>Writes one property; the default refuses (PropertyReadOnly).</summary>
    public virtual void SetProperty(string name, VariantValue value) =>
        throw new DBusErrorException("org.freedesktop.DBus.Error.PropertyReadOnly", $"Property '{name}' is read-only.");

    /// <summary>The connection and path while exported.</summary>
    protected Connection? Connection => _connection;

    protected string? Path => _path;

    internal void Attach(Connection connection, string path)
    {
        _connection = connection;
        _path = path;
    }

    internal void Detach()
    {
        _connection = null;
        _path = null;
    }

    /// <summary>Emits org.freedesktop.DBus.Properties.PropertiesChanged for this interface (no-op when not exported).</summary>
    protected void EmitPropertiesChanged(IEnumerable<KeyValuePair<string, VariantValue>> changed, IEnumerable<string>? invalidated = null)
    {
        ArgumentNullException.ThrowIfNull(changed);
        if (_connection is not { } c || _path is not { } p)
        {
            return;
        }
        using MessageWriter w = c.GetMessageWriter();
        w.WriteSignalHeader(null, p, "org.freedesktop.DBus.Properties", "PropertiesChanged", "sa{sv}as");
        w.WriteString(Name);
        w.WriteDictionary(changed);
        w.WriteArray(invalidated ?? []);
        c.TrySendMessage(w.CreateMessage());
    }

    internal void AppendIntrospection(StringBuilder sb)
    {
        sb.Append("  <interface name=\"").Append(Name).Append("\">\n").Append(IntrospectionMembersXml).Append("\n  </interface>\n");
    }
}
