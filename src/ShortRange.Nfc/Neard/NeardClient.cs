using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.DBus;
using ShortRange.Nfc.Errors;

namespace ShortRange.Nfc.Neard;

/// <summary>
/// Client of neard's D-Bus API (neard doc/*-api.txt) over the SDK's own D-Bus connection. neard publishes its adapters,
/// tags, devices and records through org.freedesktop.DBus.ObjectManager at "/" (current neard; the old
/// Manager.AdapterAdded/AdapterRemoved signals are gone) and registers agents at /org/neard (org.neard.AgentManager).
/// Connecting fails with <see cref="NeardNotRunningException"/> when nothing owns "org.neard"; every error reply of
/// neard becomes a <see cref="NeardException"/> carrying its org.neard.Error.* name.
/// </summary>
public sealed class NeardClient : IAsyncDisposable
{
    private readonly bool _ownsConnection;
    private readonly IDisposable _ownerWatch;
    private readonly ILogger _logger;
    private string? _owner;
    private int _agentCounter;

    private NeardClient(Connection connection, bool ownsConnection, string address, string owner, ILogger logger)
    {
        Connection = connection;
        _ownsConnection = ownsConnection;
        BusAddress = address;
        _owner = owner;
        _logger = logger;
        // Track the owner so agent calls are accepted only from the connection that owns org.neard (a restart changes it).
        _ownerWatch = connection.WatchNameOwnerChanged(NeardNames.Service).Subscribe(
            c => Volatile.Write(ref _owner, c.NewOwner),
            e => _logger.LogDebug(e, "neard owner watch ended"));
    }

    public Connection Connection { get; }

    /// <summary>Address of the bus (for messages).</summary>
    public string BusAddress { get; }

    /// <summary>Unique bus name of neard (":1.7"), or null after it left the bus.</summary>
    public string? NeardOwner => Volatile.Read(ref _owner);

    /// <summary>Connects to <paramref name="busAddress"/> (null: the system bus) and checks that neard is there.</summary>
    public static async Task<NeardClient> ConnectAsync(string? busAddress = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        string address = busAddress ?? DBusAddress.SystemBusAddress;
        var bus = new Connection(new ConnectionOptions { Address = address, Logger = logger });
        try
        {
            await bus.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectException e)
        {
            await bus.DisposeAsync().ConfigureAwait(false);
            throw new NeardNotRunningException(address, e);
        }
        try
        {
            return await AttachAsync(bus, ownsConnection: true, address, logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await bus.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Uses an existing connection; <paramref name="ownsConnection"/> decides whether disposal closes it.</summary>
    public static async Task<NeardClient> AttachAsync(Connection connection, bool ownsConnection, string busAddress, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string owner;
        try
        {
            owner = await connection.GetNameOwnerAsync(NeardNames.Service, cancellationToken).ConfigureAwait(false);
        }
        catch (DBusErrorException e)
        {
            throw NeardErrors.Map(e, busAddress);
        }
        return new NeardClient(connection, ownsConnection, busAddress, owner, logger ?? NullLogger.Instance);
    }

    /// <summary>Every adapter, tag, device and record neard exports.</summary>
    public async Task<IReadOnlyList<NeardObject>> GetObjectsAsync(CancellationToken cancellationToken = default)
    {
        var root = new DBusObjectProxy(Connection, NeardNames.Service, NeardNames.RootPath);
        var all = await NeardErrors.Call(root.GetManagedObjectsAsync(cancellationToken), BusAddress).ConfigureAwait(false);
        var list = new List<NeardObject>();
        foreach (var (path, interfaces) in all)
            if (NeardObject.From(path, interfaces) is { } o) list.Add(o);
        list.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return list;
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
    /// Objects added and removed (ObjectManager InterfacesAdded/InterfacesRemoved at "/"). Cold: subscribing adds the
    /// match rules, disposing removes them. A removed object carries no properties.
    /// </summary>
    public IObservable<NeardObjectEvent> WatchObjects()
    {
        var root = new DBusObjectProxy(Connection, NeardNames.Service, NeardNames.RootPath);
        var added = root.WatchInterfacesAdded()
            .Select(a => NeardObject.From(a.Path, a.Interfaces))
            .Where(o => o is not null)
            .Select(o => new NeardObjectEvent(true, o!));
        var removed = root.WatchInterfacesRemoved()
            .Select(r => NeardObject.KindOf(r.Interfaces) is { } k ? new NeardObjectEvent(false, new NeardObject(r.Path, k, new Dictionary<string, VariantValue>())) : null)
            .Where(e => e is not null)
            .Select(e => e!);
        return added.Merge(removed);
    }

    /// <summary>PropertiesChanged of every neard object below /org/neard (adapters: Powered, Polling, Mode).</summary>
    public IObservable<PropertiesChange> WatchPropertiesChanged() =>
        Connection.WatchSignal(new MatchRule
        {
            Sender = NeardNames.Service,
            PathNamespace = NeardNames.AgentManagerPath,
            Interface = "org.freedesktop.DBus.Properties",
            Member = "PropertiesChanged",
        }, static (m, _) =>
        {
            Reader r = m.GetBodyReader();
            string iface = r.ReadString();
            var changed = r.ReadDictionaryOfStringToVariantValue();
            string[] invalidated = r.ReadArrayOfString();
            return new PropertiesChange(m.PathAsString!, iface, changed, invalidated);
        });

    /// <summary>
    /// Registers an NDEF agent for records of <paramref name="recordType"/> (e.g. "Text", "URI", "urn:nfc:ext:…" or a MIME
    /// type, doc/agent-api.txt): exports an org.neard.NDEFAgent object and calls AgentManager.RegisterNDEFAgent.
    /// <paramref name="onNdef"/> runs for each GetNDEF call from neard's connection; calls from anyone else are refused
    /// with org.neard.Error.PermissionDenied. Dispose unregisters and unexports.
    /// </summary>
    public Task<IAsyncDisposable> RegisterNdefAgentAsync(string recordType, Func<NeardNdefEvent, ValueTask> onNdef, Action? onRelease = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        ArgumentNullException.ThrowIfNull(onNdef);
        var agent = new NeardNdefAgentInterface(() => NeardOwner, onNdef, onRelease, _logger);
        return RegisterAsync(agent, "RegisterNDEFAgent", "UnregisterNDEFAgent", recordType, cancellationToken);
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
        var iface = new NeardHandoverAgentInterface(() => NeardOwner, agent, _logger);
        return RegisterAsync(iface, "RegisterHandoverAgent", "UnregisterHandoverAgent", carrier, cancellationToken);
    }

    private async Task<IAsyncDisposable> RegisterAsync(DBusInterface agent, string register, string unregister, string key, CancellationToken cancellationToken)
    {
        string path = $"/org/shortrange/neard/agent{Environment.ProcessId}_{Interlocked.Increment(ref _agentCounter)}";
        IDisposable export = Connection.Export(path, agent);
        try
        {
            await CallAgentManagerAsync(register, path, key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            export.Dispose();
            throw;
        }
        return new AgentRegistration(this, export, unregister, path, key);
    }

    private Task CallAgentManagerAsync(string member, string path, string key, CancellationToken cancellationToken)
    {
        using MessageWriter w = Connection.GetMessageWriter();
        w.WriteMethodCallHeader(NeardNames.Service, NeardNames.AgentManagerPath, NeardNames.AgentManagerInterface, member, "os");
        w.WriteObjectPath(path);
        w.WriteString(key);
        return NeardErrors.Call(Connection.CallMethodAsync(w.CreateMessage(), cancellationToken), BusAddress);
    }

    public async ValueTask DisposeAsync()
    {
        _ownerWatch.Dispose();
        if (_ownsConnection) await Connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class AgentRegistration(NeardClient client, IDisposable export, string unregister, string path, string key) : IAsyncDisposable
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
            catch (Exception e) when (e is NeardException or DBusException or OperationCanceledException or TimeoutException)
            {
                // neard gone or already released us: the registration is over either way.
                client._logger.LogDebug(e, "{Member} {Path} failed", unregister, path);
            }
            finally
            {
                export.Dispose();
            }
        }
    }
}
