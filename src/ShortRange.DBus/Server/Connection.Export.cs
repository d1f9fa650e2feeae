using System.Text;
using Microsoft.Extensions.Logging;

namespace ShortRange.DBus;

/// <summary>Exported objects: method dispatch, Introspectable, Properties, Peer and ObjectManager.</summary>
public sealed partial class Connection
{
    private const string IntrospectableInterface = "org.freedesktop.DBus.Introspectable";
    private const string PropertiesInterface = "org.freedesktop.DBus.Properties";
    private const string PeerInterface = "org.freedesktop.DBus.Peer";
    private const string ObjectManagerInterface = "org.freedesktop.DBus.ObjectManager";

    private readonly Dictionary<string, DBusInterface[]> _objects = new(StringComparer.Ordinal);
    private readonly HashSet<string> _objectManagers = new(StringComparer.Ordinal);

    /// <summary>
    /// Exports an object at <paramref name="path"/> with the given interfaces (plus the standard ones). Under a path
    /// registered with <see cref="AddObjectManager"/>, InterfacesAdded is emitted now and InterfacesRemoved on dispose.
    /// </summary>
    public IDisposable Export(string path, params DBusInterface[] interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        if (!NameValidator.IsValidObjectPath(Encoding.UTF8.GetBytes(path)))
        {
            throw new ArgumentException($"'{path}' is not a valid object path.", nameof(path));
        }
        lock (_objects)
        {
            if (!_objects.TryAdd(path, interfaces.ToArray()))
            {
                throw new InvalidOperationException($"An object is already exported at '{path}'.");
            }
        }
        foreach (DBusInterface i in interfaces)
        {
            i.Attach(this, path);
        }
        if (FindObjectManager(path) is { } manager)
        {
            EmitInterfacesAdded(manager, path, interfaces);
        }
        return new Unexporter(this, path);
    }

    /// <summary>Serves org.freedesktop.DBus.ObjectManager at <paramref name="path"/> for the objects below it.</summary>
    public IDisposable AddObjectManager(string path)
    {
        lock (_objects)
        {
            _objectManagers.Add(path);
        }
        return new ActionDisposable(() =>
        {
            lock (_objects)
            {
                _objectManagers.Remove(path);
            }
        });
    }

    private void Unexport(string path)
    {
        DBusInterface[]? interfaces;
        lock (_objects)
        {
            if (!_objects.Remove(path, out interfaces))
            {
                return;
            }
        }
        foreach (DBusInterface i in interfaces)
        {
            i.Detach();
        }
        if (FindObjectManager(path) is { } manager && _closeReason is null)
        {
            using MessageWriter w = GetMessageWriter();
            w.WriteSignalHeader(null, manager, ObjectManagerInterface, "InterfacesRemoved", "oas");
            w.WriteObjectPath(path);
            w.WriteArray(interfaces.Select(i => i.Name));
            TrySendMessage(w.CreateMessage());
        }
    }

    private string? FindObjectManager(string path)
    {
        lock (_objects)
        {
            foreach (string manager in _objectManagers)
            {
                if (path != manager && (manager == "/" || path.StartsWith(manager + "/", StringComparison.Ordinal)))
                {
                    return manager;
                }
            }
        }
        return null;
    }

    private void EmitInterfacesAdded(string manager, string path, DBusInterface[] interfaces)
    {
        MessageWriter w = GetMessageWriter();
        try
        {
            w.WriteSignalHeader(null, manager, ObjectManagerInterface, "InterfacesAdded", "oa{sa{sv}}");
            w.WriteObjectPath(path);
            WriteInterfacesAndProperties(ref w, interfaces);
            TrySendMessage(w.CreateMessage());
        }
        finally
        {
            w.Dispose();
        }
    }

    private static void WriteInterfacesAndProperties(ref MessageWriter w, DBusInterface[] interfaces)
    {
        ArrayStart outer = w.WriteDictionaryStart();
        foreach (DBusInterface i in interfaces)
        {
            w.WriteDictionaryEntryStart();
            w.WriteString(i.Name);
            w.WriteDictionary(i.GetProperties());
        }
        w.WriteDictionaryEnd(outer);
    }

    private void DispatchMethodCall(Message message)
    {
        var context = new MethodContext(this, message);
        ValueTask task;
        try
        {
            task = HandleCallAsync(context);
        }
        catch (Exception e)
        {
            task = ValueTask.FromException(e);
        }
        if (task.IsCompletedSuccessfully)
        {
            FinishCall(context, null);
        }
        else
        {
            _ = AwaitCallAsync(task, context);
        }
    }

    private async Task AwaitCallAsync(ValueTask task, MethodContext context)
    {
        Exception? error = null;
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
        }
        FinishCall(context, error);
    }

    private void FinishCall(MethodContext context, Exception? error)
    {
        try
        {
            if (!context.ReplySent && !context.NoReplyExpected)
            {
                if (error is DBusErrorException dbusError)
                {
                    context.ReplyError(dbusError.ErrorName, dbusError.ErrorMessage);
                }
                else if (error is not null)
                {
                    _logger.LogWarning(error, "Method handler for {Member} failed", context.Request.MemberAsString);
                    context.ReplyError("org.freedesktop.DBus.Error.Failed", error.Message);
                }
                else
                {
                    context.ReplyUnknownMethod();
                }
            }
        }
        finally
        {
            context.Request.Dispose();
        }
    }

    private ValueTask HandleCallAsync(MethodContext context)
    {
        Message request = context.Request;
        ReadOnlySpan<byte> iface = request.Interface;
        DBusInterface[]? interfaces;
        bool isManager;
        string path;
        // Object paths are ASCII (validated on parse): widen the bytes and look the export up by span, so a call
        // to an exported object reuses the key's string instead of allocating one.
        ReadOnlySpan<byte> utf8Path = request.Path;
        Span<char> chars = utf8Path.Length <= 256 ? stackalloc char[utf8Path.Length] : new char[utf8Path.Length];
        for (int i = 0; i < utf8Path.Length; i++)
        {
            chars[i] = (char)utf8Path[i];
        }
        lock (_objects)
        {
            if (!_objects.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out string? key, out interfaces))
            {
                key = new string(chars);
            }
            path = key;
            isManager = _objectManagers.Count > 0 && _objectManagers.Contains(path);
        }
        if (iface.SequenceEqual("org.freedesktop.DBus.Introspectable"u8) && request.Member.SequenceEqual("Introspect"u8))
        {
            ReplyIntrospect(context, path, interfaces, isManager);
            return ValueTask.CompletedTask;
        }
        if (iface.SequenceEqual("org.freedesktop.DBus.Peer"u8))
        {
            if (request.Member.SequenceEqual("Ping"u8))
            {
                context.ReplyEmpty();
            }
            return ValueTask.CompletedTask;
        }
        if (isManager && iface.SequenceEqual("org.freedesktop.DBus.ObjectManager"u8) && request.Member.SequenceEqual("GetManagedObjects"u8))
        {
            ReplyManagedObjects(context, path);
            return ValueTask.CompletedTask;
        }
        if (interfaces is null)
        {
            context.ReplyError("org.freedesktop.DBus.Error.UnknownObject", $"No object at path '{path}'.");
            return ValueTask.CompletedTask;
        }
        if (iface.SequenceEqual("org.freedesktop.DBus.Properties"u8))
        {
            HandleProperties(context, interfaces);
            return ValueTask.CompletedTask;
        }
        if (iface.IsEmpty)
        {
            // No INTERFACE field: offer the call to each interface in turn.
            return DispatchWithoutInterfaceAsync(context, interfaces);
        }
        foreach (DBusInterface i in interfaces)
        {
            if (Utf8Equals(iface, i.Name))
            {
                return i.HandleMethodAsync(context);
            }
        }
        context.ReplyError("org.freedesktop.DBus.Error.UnknownInterface", $"No interface '{request.InterfaceAsString}' at '{path}'.");
        return ValueTask.CompletedTask;
    }

    private static async ValueTask DispatchWithoutInterfaceAsync(MethodContext context, DBusInterface[] interfaces)
    {
        foreach (DBusInterface i in interfaces)
        {
            await i.HandleMethodAsync(context).ConfigureAwait(false);
            if (context.ReplySent)
            {
                return;
            }
        }
    }

    private static bool Utf8Equals(ReadOnlySpan<byte> utf8, string s)
    {
        if (utf8.Length != s.Length)
        {
            return false;
        }
        for (int i = 0; i < s.Length; i++)
        {
            if (utf8[i] != s[i])
            {
                return false;
            }
        }
        return true;
    }

    private static void HandleProperties(MethodContext context, DBusInterface[] interfaces)
    {
        Message request = context.Request;
        Reader reader = request.GetBodyReader();
        string member = request.MemberAsString!;
        if (member == "Get" && request.Signature.SequenceEqual("ss"u8))
        {
            DBusInterface i = FindInterface(interfaces, reader.ReadString());
            string name = reader.ReadString();
            if (!i.TryGetProperty(name, out VariantValue value))
            {
                throw new DBusErrorException("org.freedesktop.DBus.Error.UnknownProperty", $"No property '{name}' on '{i.Name}'.");
            }
            using MessageWriter w = context.CreateReplyWriter("v");
            w.WriteVariant(value);
            context.Reply(w.CreateMessage());
        }
        else if (member == "GetAll" && request.Signature.SequenceEqual("s"u8))
        {
            DBusInterface i = FindInterface(interfaces, reader.ReadString());
            using MessageWriter w = context.CreateReplyWriter("a{sv}");
            w.WriteDictionary(i.GetProperties());
            context.Reply(w.CreateMessage());
        }
        else if (member == "Set" && request.Signature.SequenceEqual("ssv"u8))
        {
            DBusInterface i = FindInterface(interfaces, reader.ReadString());
            string name = reader.ReadString();
            VariantValue value = reader.ReadVariantValue();
            i.SetProperty(name, value);
            context.ReplyEmpty();
        }
    }

    private static DBusInterface FindInterface(DBusInterface[] interfaces, string name) =>
        interfaces.FirstOrDefault(i => i.Name == name)
        ?? throw new DBusErrorException("org.freedesktop.DBus.Error.UnknownInterface", $"No interface '{name}'.");

    private void ReplyManagedObjects(MethodContext context, string managerPath)
    {
        List<KeyValuePair<string, DBusInterface[]>> objects;
        lock (_objects)
        {
            objects = _objects.Where(o => o.Key != managerPath &&
                (managerPath == "/" || o.Key.StartsWith(managerPath + "/", StringComparison.Ordinal))).ToList();
        }
        MessageWriter w = context.CreateReplyWriter("a{oa{sa{sv}}}");
        try
        {
            ArrayStart start = w.WriteDictionaryStart();
            foreach (var (path, interfaces) in objects)
            {
                w.WriteDictionaryEntryStart();
                w.WriteObjectPath(path);
                WriteInterfacesAndProperties(ref w, interfaces);
            }
            w.WriteDictionaryEnd(start);
            context.Reply(w.CreateMessage());
        }
        finally
        {
            w.Dispose();
        }
    }

    private void ReplyIntrospect(MethodContext context, string path, DBusInterface[]? interfaces, bool isManager)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n")
          .Append(" \"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n<node>\n");
        if (interfaces is not null || isManager)
        {
            sb.Append(IntrospectionXml.Standard);
            if (interfaces is not null)
            {
                sb.Append(IntrospectionXml.Properties);
                foreach (DBusInterface i in interfaces)
                {
                    i.AppendIntrospection(sb);
                }
            }
            if (isManager)
            {
                sb.Append(IntrospectionXml.ObjectManager);
            }
        }
        foreach (string child in ChildNames(path))
        {
            sb.Append("  <node name=\"").Append(child).Append("\"/>\n");
        }
        sb.Append("</node>\n");
        using MessageWriter w = context.CreateReplyWriter("s");
        w.WriteString(sb.ToString());
        context.Reply(w.CreateMessage());
    }

    private SortedSet<string> ChildNames(string path)
    {
        string prefix = path == "/" ? "/" : path + "/";
        var children = new SortedSet<string>(StringComparer.Ordinal);
        lock (_objects)
        {
            foreach (string p in _objects.Keys.Concat(_objectManagers))
            {
                if (p.Length > prefix.Length && p.StartsWith(prefix, StringComparison.Ordinal))
                {
                    string rest = p.Substring(prefix.Length);
                    int slash = rest.IndexOf('/', StringComparison.Ordinal);
                    children.Add(slash < 0 ? rest : rest.Substring(0, slash));
                }
            }
        }
        return children;
    }

    private sealed class Unexporter(Connection connection, string path) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                connection.Unexport(path);
            }
        }
    }

    private sealed class ActionDisposable(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}
