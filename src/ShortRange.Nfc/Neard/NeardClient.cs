using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Nfc.Errors;
using ShortRange.Nfc.Neard.Bus;
using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Neard;

/// <summary>
/// Client of neard's D-Bus API (neard doc/*-api.txt) over Tmds.DBus.Protocol. neard publishes its adapters, tags,
/// devices and records through org.freedesktop.DBus.ObjectManager at "/" (current neard; the old
/// Manager.AdapterAdded/AdapterRemoved signals are gone) and registers agents at /org/neard (org.neard.AgentManager).
/// Connecting fails with <see cref="NeardNotRunningException"/> when nothing owns "org.neard"; every error reply of
/// neard becomes a <see cref="NeardException"/> carrying its org.neard.Error.* name. Observers and agent callbacks run on
/// the thread pool, never on the connection's receive loop, so a slow one delays nothing else.
/// </summary>
public sealed class NeardClient : IAsyncDisposable
{
    private readonly IDisposable _ownerWatch;
    private readonly ILogger _logger;
    private string? _owner;
    private int _agentCounter;

    private NeardClient(NeardBus bus, string address, string owner, ILogger logger)
    {
        Bus = bus;
        BusAddress = address;
        _owner = owner;
        _logger = logger;
        // Track the owner so agent calls are accepted only from the connection that owns org.neard (a restart changes it).
        _ownerWatch = bus.WatchNameOwner(NeardNames.Service).Subscribe(
            o => Volatile.Write(ref _owner, o),
            e => _logger.LogDebug(e, "neard owner watch ended"));
    }

    internal NeardBus Bus { get; }

    /// <summary>
    /// Escape hatch: the underlying Tmds.DBus.Protocol connection (owned by this client). Handlers added to it directly run
    /// on its receive loop and must neither block nor throw.
    /// </summary>
    public DBusConnection DBusConnection => Bus.Connection;

    /// <summary>Unique bus name of this client's connection (":1.42").</summary>
    public string? UniqueName => Bus.Connection.UniqueName;

    /// <summary>Address of the bus (for messages).</summary>
    public string BusAddress { get; }

    /// <summary>Unique bus name of neard (":1.7"), or null after it left the bus.</summary>
    public string? NeardOwner => Volatile.Read(ref _owner);

    /// <summary>Connects to <paramref name="busAddress"/> (null: the system bus) and checks that neard is there.</summary>
    public static async Task<NeardClient> ConnectAsync(string? busAddress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        string address = busAddress ?? DBusAddress.System ?? "unix:path=/var/run/dbus/system_bus_socket";
        logger ??= NullLogger.Instance;
        NeardBus bus;
        try
        {
            bus = await NeardBus.ConnectAsync(address, logger, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusExceptionBase or TimeoutException or IOException or System.Net.Sockets.SocketException or ArgumentException or NotSupportedException)
        {
            throw new NeardNotRunningException(address, e);
        }
        try
        {
            string owner = await NeardErrors.Call(bus.GetNameOwnerAsync(NeardNames.Service, cancellationToken), address).ConfigureAwait(false);
            return new NeardClient(bus, address, owner, logger);
        }
        catch
        {
            bus.Dispose();
            throw;
        }
    }

    /// <summary>Every adapter, tag, device and record neard exports.</summary>
    public async Task<IReadOnlyList<NeardObject>> GetObjectsAsync(CancellationToken cancellationToken = default)
    {
        MessageBuffer call;
        using (var w = Bus.Connection.GetMessageWriter())
        {
            w.WriteMethodCallHeader(NeardNames.Service, NeardNames.RootPath, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", null);
            call = w.CreateMessage();
        }
        var list = await NeardErrors.Call(Bus.CallAsync(call, static (m, _) =>
        {
            var r = m.GetBodyReader();
            var objects = new List<NeardObject>();
            ArrayEnd end = r.ReadDictionaryStart();
            while (r.HasNext(end))
            {
                string path = r.ReadObjectPathAsString();
                if (NeardObject.From(path, ReadInterfaces(ref r)) is { } o) objects.Add(o);
            }
            return objects;
        }, cancellationToken), BusAddress).ConfigureAwait(false);
        list.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return list;
    }

    /// <summary>a{sa{sv}}: interfaces with their properties.</summary>
    private static Dictionary<string, Dictionary<string, object>> ReadInterfaces(ref Reader r)
    {
        var interfaces = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
        ArrayEnd end = r.ReadDictionaryStart();
        while (r.HasNext(end))
        {
            string name = r.ReadString();
            interfaces[name] = NeardValues.ReadStringVariantDictionary(ref r);
        }
        return interfaces;
    }

    /// <summary>Adapters with their properties.</summary>
    public async Task<IReadOnlyList<NeardAdapterProperties>> GetAdaptersAsync(CancellationToken cancellationToken = default) =>
        (await GetObjectsAsync(cancellationToken).ConfigureAwait(false))
            .Where(o => o.Kind == NeardObjectKind.Adapter)
            .Select(o => NeardAdapterProperties.FromDictionary(o.Path, o.Properties))
            .ToList();

    /// <summary>An adapter by name ("nfc0") or object path.</summary>
    public NeardAdapter GetAdapter(string nameOrPath) => new(this, nameOrPath.StartsWith('/') ? nameOrPath : "/org/neard/" + nameOrPath);

    public NeardTag GetTag(string path) => new(this, path);

    public NeardDevice GetDevice(string path) => new(this, path);

    /// <summary>
    /// Completes when every signal subscription made so far on this client (<see cref="WatchObjects"/>, property
    /// changes, owner changes) is active, so a change made after it returns is delivered. Subscribing alone does not
    /// guarantee that: the match rules reach the bus asynchronously, and a change that another connection makes at once
    /// can overtake them. Bounded by <paramref name="cancellationToken"/> and a 25 s timeout (<see cref="TimeoutException"/>).
    /// </summary>
    public Task WhenSubscribedAsync(CancellationToken cancellationToken = default) => Bus.WhenSubscribedAsync(cancellationToken);

    /// <summary>
    /// Objects added and removed (ObjectManager InterfacesAdded/InterfacesRemoved at "/"). Cold: subscribing adds the
    /// match rules, disposing removes them. A removed object carries no properties.
    /// </summary>
    public IObservable<NeardObjectEvent> WatchObjects()
    {
        var added = Bus.Watch(ObjectManagerRule("InterfacesAdded"), static (m, _) =>
            {
                var r = m.GetBodyReader();
                string path = r.ReadObjectPathAsString();
                return NeardObject.From(path, ReadInterfaces(ref r)) is { } o ? new NeardObjectEvent(true, o) : null;
            });
        var removed = Bus.Watch(ObjectManagerRule("InterfacesRemoved"), static (m, _) =>
            {
                var r = m.GetBodyReader();
                string path = r.ReadObjectPathAsString();
                return NeardObject.KindOf(r.ReadArrayOfString()) is { } k
                    ? new NeardObjectEvent(false, new NeardObject(path, k, new Dictionary<string, object>()))
                    : null;
            });
        return added.Merge(removed).Where(e => e is not null).Select(e => e!);
    }

    private static MatchRule ObjectManagerRule(string member) => new()
    {
        Type = MessageType.Signal,
        Sender = NeardNames.Service,
        Path = NeardNames.RootPath,
        Interface = "org.freedesktop.DBus.ObjectManager",
        Member = member,
    };

    /// <summary>PropertiesChanged of every neard object below /org/neard (adapters: Powered, Polling, Mode).</summary>
    public IObservable<NeardPropertiesChange> WatchPropertiesChanged() => WatchPropertiesChanged(null, NeardNames.AgentManagerPath, null);

    internal IObservable<NeardPropertiesChange> WatchPropertiesChanged(string? path, string? pathNamespace, string? @interface) =>
        Bus.Watch(new MatchRule
        {
            Type = MessageType.Signal,
            Sender = NeardNames.Service,
            Path = path,
            PathNamespace = pathNamespace,
            Interface = "org.freedesktop.DBus.Properties",
            Member = "PropertiesChanged",
            Arg0 = @interface,
        }, static (m, _) =>
        {
            var r = m.GetBodyReader();
            string iface = r.ReadString();
            var changed = NeardValues.ReadStringVariantDictionary(ref r);
            string[] invalidated = r.ReadArrayOfString();
            return new NeardPropertiesChange(m.PathAsString ?? "", iface, changed, invalidated);
        });

    /// <summary>NameOwnerChanged of org.neard: the new owner, or null when neard left the bus.</summary>
    public IObservable<string?> WatchNeardOwner() => Bus.WatchNameOwner(NeardNames.Service);

    /// <summary>
    /// Registers an NDEF agent for records of <paramref name="recordType"/> (e.g. "Text", "URI", "urn:nfc:ext:…" or a MIME
    /// type, doc/agent-api.txt): exports an org.neard.NDEFAgent object and calls AgentManager.RegisterNDEFAgent.
    /// <paramref name="onNdef"/> runs (on the thread pool) for each GetNDEF call from neard's connection; calls from anyone
    /// else are refused with org.neard.Error.PermissionDenied. Dispose unregisters and unexports.
    /// </summary>
    public Task<IAsyncDisposable> RegisterNdefAgentAsync(string recordType, Func<NeardNdefEvent, ValueTask> onNdef, Action? onRelease = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        ArgumentNullException.ThrowIfNull(onNdef);
        return RegisterAsync(path => new NeardNdefAgentHandler(path, () => NeardOwner, onNdef, onRelease, _logger),
            "RegisterNDEFAgent", "UnregisterNDEFAgent", recordType, cancellationToken);
    }

    /// <summary>
    /// Registers a handover agent for <paramref name="carrier"/> ("bluetooth" or "wifi"; one per carrier): neard then asks
    /// it for local OOB data (RequestOOB) and passes remote OOB data to it (PushOOB). Calls from any connection other than
    /// neard's are refused. Dispose unregisters and unexports.
    /// </summary>
    public Task<IAsyncDisposable> RegisterHandoverAgentAsync(string carrier, INeardHandoverAgent agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        ArgumentNullException.ThrowIfNull(agent);
        return RegisterAsync(path => new NeardHandoverAgentHandler(path, () => NeardOwner, agent, _logger),
            "RegisterHandoverAgent", "UnregisterHandoverAgent", carrier, cancellationToken);
    }

    private async Task<IAsyncDisposable> RegisterAsync(Func<string, IPathMethodHandler> handler, string register, string unregister, string key, CancellationToken cancellationToken)
    {
        string path = $"/org/shortrange/neard/agent{Environment.ProcessId}_{Interlocked.Increment(ref _agentCounter)}";
        Bus.Connection.AddMethodHandler(handler(path));
        try
        {
            await CallAgentManagerAsync(register, path, key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Bus.Connection.RemoveMethodHandler(path);
            throw;
        }
        return new AgentRegistration(this, unregister, path, key);
    }

    private Task CallAgentManagerAsync(string member, string path, string key, CancellationToken cancellationToken)
    {
        MessageBuffer call;
        using (var w = Bus.Connection.GetMessageWriter())
        {
            w.WriteMethodCallHeader(NeardNames.Service, NeardNames.AgentManagerPath, NeardNames.AgentManagerInterface, member, "os");
            w.WriteObjectPath(path);
            w.WriteString(key);
            call = w.CreateMessage();
        }
        return NeardErrors.Call(Bus.CallAsync(call, cancellationToken), BusAddress);
    }

    public ValueTask DisposeAsync()
    {
        _ownerWatch.Dispose();
        Bus.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed class AgentRegistration(NeardClient client, string unregister, string path, string key) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.CallAgentManagerAsync(unregister, path, key, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NeardException or DBusExceptionBase or OperationCanceledException or TimeoutException or ObjectDisposedException)
            {
                // neard gone or already released us: the registration is over either way.
                client._logger.LogDebug(e, "{Member} {Path} failed", unregister, path);
            }
            finally
            {
                try { client.Bus.Connection.RemoveMethodHandler(path); }
                catch (ObjectDisposedException) { }
            }
        }
    }
}

/// <summary>A PropertiesChanged signal of a neard object: the changed values (plain .NET values) and invalidated names.</summary>
public sealed record NeardPropertiesChange(string Path, string Interface, IReadOnlyDictionary<string, object> Changed, IReadOnlyList<string> Invalidated);
