namespace ShortRange.DBus;

/// <summary>A PropertiesChanged signal.</summary>
public sealed record PropertiesChange(string Path, string Interface, IReadOnlyDictionary<string, VariantValue> Changed, IReadOnlyList<string> Invalidated);

/// <summary>An InterfacesAdded signal: object path → interface → properties.</summary>
public sealed record InterfacesAdded(string Path, IReadOnlyDictionary<string, Dictionary<string, VariantValue>> Interfaces);

/// <summary>An InterfacesRemoved signal.</summary>
public sealed record InterfacesRemoved(string Path, IReadOnlyList<string> Interfaces);

/// <summary>
/// A remote object (destination + path) with the standard interfaces: Properties (Get/GetAll/Set/PropertiesChanged),
/// ObjectManager (GetManagedObjects/InterfacesAdded/InterfacesRemoved), and untyped calls with <see cref="VariantValue"/>s.
/// </summary>
public sealed class DBusObjectProxy
{
    private const string Properties = "org.freedesktop.DBus.Properties";
    private const string ObjectManager = "org.freedesktop.DBus.ObjectManager";

    public DBusObjectProxy(Connection connection, string destination, string path)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Destination = destination ?? throw new ArgumentNullException(nameof(destination));
        Path = path ?? throw new ArgumentNullException(nameof(path));
    }

    public Connection Connection { get; }
    public string Destination { get; }
    public string Path { get; }

    /// <summary>Calls <paramref name="member"/> with arguments (their signatures make the call's signature) and returns the reply's values.</summary>
    public Task<VariantValue[]> CallAsync(string @interface, string member, IReadOnlyList<VariantValue>? arguments = null, CancellationToken cancellationToken = default)
    {
        arguments ??= [];
        string signature = string.Concat(arguments.Select(a => a.Signature));
        MessageWriter w = Connection.GetMessageWriter();
        try
        {
            w.WriteMethodCallHeader(Destination, Path, @interface, member, signature);
            foreach (VariantValue a in arguments)
            {
                w.WriteValue(a);
            }
            return Connection.CallMethodAsync(w.CreateMessage(), static (m, _) => ReadAll(m), null, cancellationToken);
        }
        finally
        {
            w.Dispose();
        }
    }

    /// <summary>Every value of a message body, by its signature.</summary>
    public static VariantValue[] ReadAll(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string signature = message.SignatureAsString;
        var values = new List<VariantValue>();
        Reader reader = message.GetBodyReader();
        int pos = 0;
        while (pos < signature.Length)
        {
            int len = SignatureValidator.GetFirstTypeLength(System.Text.Encoding.ASCII.GetBytes(signature.Substring(pos)));
            values.Add(reader.ReadValue(signature.Substring(pos, len)));
            pos += len;
        }
        return values.ToArray();
    }

    public Task<VariantValue> GetPropertyAsync(string @interface, string name, CancellationToken cancellationToken = default)
    {
        using MessageWriter w = Connection.GetMessageWriter();
        w.WriteMethodCallHeader(Destination, Path, Properties, "Get", "ss");
        w.WriteString(@interface);
        w.WriteString(name);
        return Connection.CallMethodAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadVariantValue(), null, cancellationToken);
    }

    public Task<Dictionary<string, VariantValue>> GetAllPropertiesAsync(string @interface, CancellationToken cancellationToken = default)
    {
        using MessageWriter w = Connection.GetMessageWriter();
        w.WriteMethodCallHeader(Destination, Path, Properties, "GetAll", "s");
        w.WriteString(@interface);
        return Connection.CallMethodAsync(w.CreateMessage(), static (m, _) => m.GetBodyReader().ReadDictionaryOfStringToVariantValue(), null, cancellationToken);
    }

    public Task SetPropertyAsync(string @interface, string name, VariantValue value, CancellationToken cancellationToken = default)
    {
        using MessageWriter w = Connection.GetMessageWriter();
        w.WriteMethodCallHeader(Destination, Path, Properties, "Set", "ssv");
        w.WriteString(@interface);
        w.WriteString(name);
        w.WriteVariant(value);
        return Connection.CallMethodAsync(w.CreateMessage(), cancellationToken);
    }

    /// <summary>PropertiesChanged of this object (optionally one interface), as an observable (see <see cref="Connection.WatchSignal"/>).</summary>
    public IObservable<PropertiesChange> WatchPropertiesChanged(string? @interface = null) =>
        Connection.WatchSignal(new MatchRule
        {
            Sender = Destination,
            Path = Path,
            Interface = Properties,
            Member = "PropertiesChanged",
            Arg0 = @interface,
        }, static (m, _) =>
        {
            Reader r = m.GetBodyReader();
            string iface = r.ReadString();
            Dictionary<string, VariantValue> changed = r.ReadDictionaryOfStringToVariantValue();
            string[] invalidated = r.ReadArrayOfString();
            return new PropertiesChange(m.PathAsString!, iface, changed, invalidated);
        });

    /// <summary>GetManagedObjects on this (object manager) path: object path → interface → properties.</summary>
    public Task<Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>>> GetManagedObjectsAsync(CancellationToken cancellationToken = default)
    {
        using MessageWriter w = Connection.GetMessageWriter();
        w.WriteMethodCallHeader(Destination, Path, ObjectManager, "GetManagedObjects");
        return Connection.CallMethodAsync(w.CreateMessage(), static (m, _) =>
        {
            var result = new Dictionary<string, Dictionary<string, Dictionary<string, VariantValue>>>(StringComparer.Ordinal);
            Reader r = m.GetBodyReader();
            ArrayEnd end = r.ReadDictionaryStart();
            while (r.HasNext(end))
            {
                r.AlignStruct();
                string path = r.ReadObjectPathAsString();
                result[path] = ReadInterfaces(ref r);
            }
            return result;
        }, null, cancellationToken);
    }

    public IObservable<InterfacesAdded> WatchInterfacesAdded() =>
        Connection.WatchSignal(new MatchRule { Sender = Destination, Path = Path, Interface = ObjectManager, Member = "InterfacesAdded" },
            static (m, _) =>
            {
                Reader r = m.GetBodyReader();
                string path = r.ReadObjectPathAsString();
                return new InterfacesAdded(path, ReadInterfaces(ref r));
            });

    public IObservable<InterfacesRemoved> WatchInterfacesRemoved() =>
        Connection.WatchSignal(new MatchRule { Sender = Destination, Path = Path, Interface = ObjectManager, Member = "InterfacesRemoved" },
            static (m, _) =>
            {
                Reader r = m.GetBodyReader();
                string path = r.ReadObjectPathAsString();
                return new InterfacesRemoved(path, r.ReadArrayOfString());
            });

    private static Dictionary<string, Dictionary<string, VariantValue>> ReadInterfaces(ref Reader r)
    {
        var interfaces = new Dictionary<string, Dictionary<string, VariantValue>>(StringComparer.Ordinal);
        ArrayEnd end = r.ReadDictionaryStart();
        while (r.HasNext(end))
        {
            r.AlignStruct();
            string name = r.ReadString();
            interfaces[name] = r.ReadDictionaryOfStringToVariantValue();
        }
        return interfaces;
    }
}
