using ShortRange.Nfc.Neard.Bus;

namespace ShortRange.Nfc.Neard;

/// <summary>An org.neard.Adapter object ("/org/neard/nfc0"; doc/adapter-api.txt).</summary>
public sealed class NeardAdapter
{
    private readonly NeardClient _client;
    private readonly NeardObjectProxy _proxy;

    internal NeardAdapter(NeardClient client, string path)
    {
        _client = client;
        Path = path;
        _proxy = new NeardObjectProxy(client, path);
    }

    public string Path { get; }

    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    public async Task<NeardAdapterProperties> GetPropertiesAsync(CancellationToken cancellationToken = default) =>
        NeardAdapterProperties.FromDictionary(Path, await _proxy.GetAllAsync(NeardNames.AdapterInterface, cancellationToken).ConfigureAwait(false));

    /// <summary>Sets Powered (the only writable adapter property).</summary>
    public Task SetPoweredAsync(bool powered, CancellationToken cancellationToken = default) =>
        _proxy.SetAsync(NeardNames.AdapterInterface, "Powered", powered, cancellationToken);

    /// <summary>StartPollLoop(mode): poll for tags and devices; neard emits Polling changes and adds tag/device objects.</summary>
    public Task StartPollLoopAsync(NeardPollMode mode = NeardPollMode.Initiator, CancellationToken cancellationToken = default) =>
        _proxy.CallAsync(NeardNames.AdapterInterface, "StartPollLoop", mode.ToString(), cancellationToken);

    public Task StopPollLoopAsync(CancellationToken cancellationToken = default) =>
        _proxy.CallAsync(NeardNames.AdapterInterface, "StopPollLoop", (string?)null, cancellationToken);

    /// <summary>PropertiesChanged of this adapter (cold: subscribing adds the match rule, disposing removes it).</summary>
    public IObservable<NeardPropertiesChange> WatchPropertiesChanged() => _client.WatchPropertiesChanged(Path, null, NeardNames.AdapterInterface);

    /// <summary>Tags currently present on this adapter.</summary>
    public async Task<IReadOnlyList<NeardTagProperties>> GetTagsAsync(CancellationToken cancellationToken = default) =>
        (await _client.GetObjectsAsync(cancellationToken).ConfigureAwait(false))
            .Where(o => o.Kind == NeardObjectKind.Tag && o.Path.StartsWith(Path + "/", StringComparison.Ordinal))
            .Select(o => NeardTagProperties.FromDictionary(o.Path, o.Properties))
            .ToList();
}

/// <summary>An org.neard.Tag object ("/org/neard/nfc0/tag0"; doc/tag-api.txt).</summary>
public sealed class NeardTag
{
    private readonly NeardClient _client;
    private readonly NeardObjectProxy _proxy;

    internal NeardTag(NeardClient client, string path)
    {
        _client = client;
        Path = path;
        _proxy = new NeardObjectProxy(client, path);
    }

    public string Path { get; }

    public async Task<NeardTagProperties> GetPropertiesAsync(CancellationToken cancellationToken = default) =>
        NeardTagProperties.FromDictionary(Path, await _proxy.GetAllAsync(NeardNames.TagInterface, cancellationToken).ConfigureAwait(false));

    /// <summary>The tag's NDEF records (org.neard.Record objects below the tag), in path order.</summary>
    public Task<IReadOnlyList<NeardRecordProperties>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
        NeardRecords.BelowAsync(_client, Path, cancellationToken);

    /// <summary>Write(dict): neard builds one NDEF record from the attributes and writes it to the tag.</summary>
    public Task WriteAsync(NeardRecordProperties record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _proxy.CallAsync(NeardNames.TagInterface, "Write", record.ToDictionary(), cancellationToken);
    }
}

/// <summary>An org.neard.Device object — a peer-to-peer (NFC-DEP) device ("/org/neard/nfc0/device0"; doc/device-api.txt).</summary>
public sealed class NeardDevice
{
    private readonly NeardClient _client;
    private readonly NeardObjectProxy _proxy;

    internal NeardDevice(NeardClient client, string path)
    {
        _client = client;
        Path = path;
        _proxy = new NeardObjectProxy(client, path);
    }

    public string Path { get; }

    /// <summary>Object path of the adapter (property "Adapter").</summary>
    public async Task<string?> GetAdapterPathAsync(CancellationToken cancellationToken = default)
    {
        var d = await _proxy.GetAllAsync(NeardNames.DeviceInterface, cancellationToken).ConfigureAwait(false);
        return NeardRecordProperties.Str(d, "Adapter");
    }

    public Task<IReadOnlyList<NeardRecordProperties>> GetRecordsAsync(CancellationToken cancellationToken = default) =>
        NeardRecords.BelowAsync(_client, Path, cancellationToken);

    /// <summary>Push(dict): neard builds an NDEF record (Text, URI, SmartPoster, Handover, StaticHandover, MIME) and sends it over SNEP.</summary>
    public Task PushAsync(NeardRecordProperties record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _proxy.CallAsync(NeardNames.DeviceInterface, "Push", record.ToDictionary(), cancellationToken);
    }
}

internal static class NeardRecords
{
    public static async Task<IReadOnlyList<NeardRecordProperties>> BelowAsync(NeardClient client, string parent, CancellationToken cancellationToken) =>
        (await client.GetObjectsAsync(cancellationToken).ConfigureAwait(false))
            .Where(o => o.Kind == NeardObjectKind.Record && o.Path.StartsWith(parent + "/", StringComparison.Ordinal))
            .Select(o => NeardRecordProperties.FromDictionary(o.Properties, o.Path))
            .ToList();
}
