using System.Buffers.Binary;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>
/// GATT client procedures (Core 5.4 Vol 3 Part G §4) over one <see cref="AttBearer"/>: discovery of services,
/// characteristics and descriptors, reads (long ones by ATT_READ_BLOB_REQ), writes (long ones by prepare/execute)
/// and notifications/indications as cold observables. Failures surface as the bearer's typed exceptions.
/// </summary>
public sealed partial class GattClient
{
    private readonly AttBearer _bearer;
    private readonly ILogger _logger;
    private readonly Dictionary<ushort, IObservable<ReadOnlyMemory<byte>>> _shared = [];
    private readonly Lock _gate = new();

    public GattClient(AttBearer bearer, ILogger? logger = null)
    {
        _bearer = bearer ?? throw new ArgumentNullException(nameof(bearer));
        _logger = logger ?? NullLogger.Instance;
    }

    public AttBearer Bearer => _bearer;

    /// <summary>Discover All Primary Services (§4.4.1), or by UUID when <paramref name="uuid"/> is given (§4.4.2).</summary>
    public async Task<IReadOnlyList<GattService>> DiscoverPrimaryServicesAsync(Guid? uuid = null, CancellationToken cancellationToken = default)
    {
        var found = new List<GattService>();
        for (int start = AttConstants.MinHandle; start <= AttConstants.MaxHandle;)
        {
            if (uuid is { } u)
            {
                var value = new byte[AttUuid.GetSize(u)];
                AttUuid.Write(u, value);
                var rsp = await UntilNotFound<AttFindByTypeValueResponse>(new AttFindByTypeValueRequest((ushort)start, AttConstants.MaxHandle, 0x2800, value), cancellationToken).ConfigureAwait(false);
                if (rsp is null) break;
                foreach (var r in rsp.HandlesInformation) found.Add(new GattService(u, r.FoundHandle, r.GroupEndHandle));
                start = Next(rsp.HandlesInformation[^1].GroupEndHandle, start);
            }
            else
            {
                var rsp = await UntilNotFound<AttReadByGroupTypeResponse>(new AttReadByGroupTypeRequest((ushort)start, AttConstants.MaxHandle, GattUuids.PrimaryService), cancellationToken).ConfigureAwait(false);
                if (rsp is null) break;
                foreach (var e in rsp.AttributeDataList) found.Add(new GattService(AttUuid.Read(e.Value.Span), e.Handle, e.EndGroupHandle));
                start = Next(rsp.AttributeDataList[^1].EndGroupHandle, start);
            }
        }
        return found;
    }

    /// <summary>Discover All Characteristics of a Service (§4.6.1).</summary>
    public async Task<IReadOnlyList<GattCharacteristic>> DiscoverCharacteristicsAsync(GattService service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        var declarations = new List<(ushort Handle, GattCharacteristicProperties Properties, ushort ValueHandle, Guid Uuid)>();
        for (int start = service.Handle; start <= service.EndGroupHandle;)
        {
            var rsp = await UntilNotFound<AttReadByTypeResponse>(new AttReadByTypeRequest((ushort)start, service.EndGroupHandle, GattUuids.Characteristic), cancellationToken).ConfigureAwait(false);
            if (rsp is null) break;
            foreach (var e in rsp.AttributeDataList)
            {
                var v = e.Value.Span;
                if (v.Length is not (5 or 19)) throw new AttFormatException($"characteristic declaration at 0x{e.Handle:X4} has {v.Length} octets, not 5 or 19");
                declarations.Add((e.Handle, (GattCharacteristicProperties)v[0], BinaryPrimitives.ReadUInt16LittleEndian(v[1..]), AttUuid.Read(v[3..])));
            }
            start = Next(rsp.AttributeDataList[^1].Handle, start);
        }
        var result = new GattCharacteristic[declarations.Count];
        for (int i = 0; i < result.Length; i++)
        {
            ushort end = i + 1 < result.Length ? (ushort)(declarations[i + 1].Handle - 1) : service.EndGroupHandle;
            var d = declarations[i];
            result[i] = new GattCharacteristic(d.Uuid, d.Handle, d.Properties, d.ValueHandle, end);
        }
        return result;
    }

    /// <summary>Discover All Characteristic Descriptors (§4.7.1).</summary>
    public async Task<IReadOnlyList<GattDescriptor>> DiscoverDescriptorsAsync(GattCharacteristic characteristic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(characteristic);
        var found = new List<GattDescriptor>();
        for (int start = characteristic.ValueHandle + 1; start <= characteristic.EndHandle;)
        {
            var rsp = await UntilNotFound<AttFindInformationResponse>(new AttFindInformationRequest((ushort)start, characteristic.EndHandle), cancellationToken).ConfigureAwait(false);
            if (rsp is null) break;
            foreach (var e in rsp.Information) found.Add(new GattDescriptor(e.Type, e.Handle));
            start = Next(rsp.Information[^1].Handle, start);
        }
        return found;
    }

    /// <summary>Read Characteristic Value / Read Long Characteristic Values (§4.8.1, §4.8.3).</summary>
    public async Task<byte[]> ReadAsync(ushort handle, CancellationToken cancellationToken = default)
    {
        var first = (AttReadResponse)await _bearer.RequestAsync(new AttReadRequest(handle), cancellationToken).ConfigureAwait(false);
        var value = new List<byte>(first.AttributeValue.ToArray());
        int part = first.AttributeValue.Length;
        while (part == _bearer.Mtu - 1 && value.Count < AttConstants.MaxAttributeValueLength)
        {
            AttReadBlobResponse blob;
            try
            {
                blob = (AttReadBlobResponse)await _bearer.RequestAsync(new AttReadBlobRequest(handle, (ushort)value.Count), cancellationToken).ConfigureAwait(false);
            }
            catch (AttErrorResponseException e) when (e.ErrorCode is AttErrorCode.AttributeNotLong or AttErrorCode.InvalidOffset)
            {
                break;   // the value was exactly MTU-1 long
            }
            value.AddRange(blob.PartAttributeValue.Span);
            part = blob.PartAttributeValue.Length;
        }
        return [.. value];
    }

    /// <summary>Write Characteristic Value (§4.9.3), or Write Long Characteristic Values (§4.9.4) past ATT_MTU − 3.</summary>
    public async Task WriteAsync(ushort handle, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        if (value.Length <= _bearer.Mtu - 3)
        {
            await _bearer.RequestAsync(new AttWriteRequest(handle, value), cancellationToken).ConfigureAwait(false);
            return;
        }
        await ReliableWriteAsync([(handle, value)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Write Without Response (§4.9.1).</summary>
    public Task WriteWithoutResponseAsync(ushort handle, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        _bearer.SendCommandAsync(new AttWriteCommand(handle, value), cancellationToken);

    /// <summary>
    /// Values of <paramref name="characteristic"/> as the server notifies (or indicates) them. Cold: the first subscriber
    /// writes the CCCD at <paramref name="cccdHandle"/> (§4.12.3), later ones share it, the last dispose clears it.
    /// Ends with <see cref="AttBearerClosedException"/> when the bearer closes; a failed CCCD write errors the stream.
    /// </summary>
    public IObservable<ReadOnlyMemory<byte>> Subscribe(GattCharacteristic characteristic, ushort cccdHandle, bool indicate = false)
    {
        ArgumentNullException.ThrowIfNull(characteristic);
        lock (_gate)
        {
            if (_shared.TryGetValue(characteristic.ValueHandle, out var existing)) return existing;
            ushort valueHandle = characteristic.ValueHandle;
            byte[] enable = indicate ? [0x02, 0x00] : [0x01, 0x00];
            var one = Observable.Create<ReadOnlyMemory<byte>>(async (observer, ct) =>
            {
                var updates = _bearer.ValueUpdates.Where(v => v.Handle == valueHandle).Select(v => v.Value).Subscribe(observer);
                try
                {
                    await _bearer.RequestAsync(new AttWriteRequest(cccdHandle, enable), ct).ConfigureAwait(false);
                }
                catch
                {
                    updates.Dispose();
                    throw;
                }
                return Disposable.Create(() =>
                {
                    updates.Dispose();
                    _ = ClearCccdAsync(cccdHandle);
                });
            });
            var shared = one.Publish().RefCount();
            _shared[valueHandle] = shared;
            return shared;
        }
    }

    private async Task ClearCccdAsync(ushort cccdHandle)
    {
        try
        {
            await _bearer.RequestAsync(new AttWriteRequest(cccdHandle, new byte[] { 0x00, 0x00 })).ConfigureAwait(false);
        }
        catch (AttException e)
        {
            // Nobody awaits a dispose; a closed bearer has no CCCD state left to clear.
            _logger.LogDebug(e, "GATT: clearing CCCD 0x{Handle:X4} failed", cccdHandle);
        }
    }

    private async Task<T?> UntilNotFound<T>(AttPdu request, CancellationToken cancellationToken) where T : AttPdu
    {
        try
        {
            return (T)await _bearer.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AttErrorResponseException e) when (e.ErrorCode == AttErrorCode.AttributeNotFound)
        {
            return null;
        }
    }

    // Next start handle of a discovery loop; a server that does not advance would loop forever (§4.4.1 ends at 0xFFFF).
    private static int Next(ushort last, int start) =>
        last >= start ? last + 1 : throw new AttFormatException($"discovery went backwards: 0x{last:X4} after start 0x{start:X4}");
}
