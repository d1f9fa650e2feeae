using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using ShortRange.Bluetooth.Att;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>
/// One client of a <see cref="GattServer"/>: answers its ATT requests from the <see cref="GattDatabase"/> (Core 5.4
/// Vol 3 Part F §3.4 and Part G §4) and keeps its Client Characteristic Configuration values (§3.3.3.3: per client).
/// </summary>
public sealed class GattServerClient : IAttRequestHandler
{
    private readonly GattDatabase _db;
    private readonly ILogger _logger;
    private readonly Func<bool> _isEncrypted;
    private readonly Dictionary<ushort, ushort> _cccd = [];
    private readonly List<(ushort Handle, ushort Offset, byte[] Part)> _prepared = [];
    private readonly Lock _gate = new();

    internal GattServerClient(GattDatabase db, BluetoothDeviceAddress remote, Func<bool> isEncrypted, ILogger logger)
    {
        _db = db;
        Remote = remote;
        _isEncrypted = isEncrypted;
        _logger = logger;
    }

    public BluetoothDeviceAddress Remote { get; }

    /// <summary>The bearer to this client (set once it is started).</summary>
    public AttBearer Bearer { get; internal set; } = null!;

    /// <summary>This client's CCCD value for <paramref name="characteristic"/>: bit 0 notifications, bit 1 indications.</summary>
    public ushort GetClientConfiguration(GattLocalCharacteristic characteristic)
    {
        ArgumentNullException.ThrowIfNull(characteristic);
        lock (_gate) return _cccd.GetValueOrDefault(characteristic.CccdHandle);
    }

    public async ValueTask<AttPdu?> HandleAsync(AttBearer bearer, AttPdu pdu, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bearer);
        ArgumentNullException.ThrowIfNull(pdu);
        try
        {
            return pdu switch
            {
                AttFindInformationRequest r => FindInformation(r, bearer.Mtu),
                AttFindByTypeValueRequest r => FindByTypeValue(r, bearer.Mtu),
                AttReadByTypeRequest r => await ReadByTypeAsync(r, bearer.Mtu, cancellationToken).ConfigureAwait(false),
                AttReadByGroupTypeRequest r => ReadByGroupType(r, bearer.Mtu),
                AttReadRequest r => new AttReadResponse(Fit(await ReadAsync(pdu.Opcode, r.AttributeHandle, cancellationToken).ConfigureAwait(false), bearer.Mtu - 1)),
                AttReadBlobRequest r => await ReadBlobAsync(r, bearer.Mtu, cancellationToken).ConfigureAwait(false),
                AttReadMultipleRequest r => await ReadMultipleAsync(r, bearer.Mtu, cancellationToken).ConfigureAwait(false),
                AttReadMultipleVariableRequest r => await ReadMultipleVariableAsync(r, bearer.Mtu, cancellationToken).ConfigureAwait(false),
                AttWriteRequest r => await WriteAsync(pdu.Opcode, r.AttributeHandle, r.AttributeValue, cancellationToken).ConfigureAwait(false),
                AttWriteCommand r => await WriteCommandAsync(r, cancellationToken).ConfigureAwait(false),
                AttPrepareWriteRequest r => Prepare(r),
                AttExecuteWriteRequest r => await ExecuteAsync(r, cancellationToken).ConfigureAwait(false),
                _ => new AttErrorResponse(pdu.Opcode, 0, AttErrorCode.RequestNotSupported),
            };
        }
        catch (GattErrorException e)
        {
            return new AttErrorResponse(pdu.Opcode, e.Handle, e.ErrorCode);
        }
    }

    private AttPdu FindInformation(AttFindInformationRequest r, ushort mtu)
    {
        if (Invalid(r.StartingHandle, r.EndingHandle) is { } bad) return new AttErrorResponse(r.Opcode, r.StartingHandle, bad);
        var found = new List<AttHandleUuid>();
        int size = 0;
        foreach (var a in InRange(r.StartingHandle, r.EndingHandle))
        {
            int s = AttUuid.GetSize(a.Type);
            if (size == 0) size = s;
            if (s != size || 2 + (found.Count + 1) * (2 + size) > mtu) break;   // §3.4.3.2: one format per response
            found.Add(new AttHandleUuid(a.Handle, a.Type));
        }
        return found.Count > 0 ? new AttFindInformationResponse(found) : new AttErrorResponse(r.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound);
    }

    private AttPdu FindByTypeValue(AttFindByTypeValueRequest r, ushort mtu)
    {
        if (Invalid(r.StartingHandle, r.EndingHandle) is { } bad) return new AttErrorResponse(r.Opcode, r.StartingHandle, bad);
        var type = Advertising.BluetoothUuid.FromShort(r.AttributeType);
        var found = new List<AttHandleRange>();
        foreach (var a in InRange(r.StartingHandle, r.EndingHandle))
        {
            if (a.Type != type || a.OnRead is not null || !a.Value.Span.SequenceEqual(r.AttributeValue.Span)) continue;
            if (1 + (found.Count + 1) * 4 > mtu) break;
            found.Add(new AttHandleRange(a.Handle, _db.ServiceAt(a.Handle)?.EndHandle ?? a.Handle));
        }
        return found.Count > 0 ? new AttFindByTypeValueResponse(found) : new AttErrorResponse(r.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound);
    }

    private async ValueTask<AttPdu> ReadByTypeAsync(AttReadByTypeRequest r, ushort mtu, CancellationToken ct)
    {
        if (Invalid(r.StartingHandle, r.EndingHandle) is { } bad) return new AttErrorResponse(r.Opcode, r.StartingHandle, bad);
        var found = new List<AttHandleValue>();
        int length = -1;
        foreach (var a in InRange(r.StartingHandle, r.EndingHandle).Where(a => a.Type == r.AttributeType))
        {
            ReadOnlyMemory<byte> value;
            try
            {
                value = await ReadAsync(r.Opcode, a.Handle, ct).ConfigureAwait(false);
            }
            catch (GattErrorException) when (found.Count > 0)
            {
                break;   // §3.4.4.2: the error is reported when the first attribute fails; later ones end the list
            }
            value = Fit(value, Math.Min(mtu - 4, 253));
            if (length < 0) length = value.Length;
            if (value.Length != length || 2 + (found.Count + 1) * (2 + length) > mtu) break;
            found.Add(new AttHandleValue(a.Handle, value));
        }
        return found.Count > 0 ? new AttReadByTypeResponse(found) : new AttErrorResponse(r.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound);
    }

    private AttPdu ReadByGroupType(AttReadByGroupTypeRequest r, ushort mtu)
    {
        if (Invalid(r.StartingHandle, r.EndingHandle) is { } bad) return new AttErrorResponse(r.Opcode, r.StartingHandle, bad);
        if (r.AttributeGroupType != GattUuids.PrimaryService && r.AttributeGroupType != GattUuids.SecondaryService)
            return new AttErrorResponse(r.Opcode, r.StartingHandle, AttErrorCode.UnsupportedGroupType);
        var found = new List<AttGroupValue>();
        int length = -1;
        foreach (var s in _db.Services)
        {
            if (s.Handle < r.StartingHandle || s.Handle > r.EndingHandle) continue;
            if (_db.Find(s.Handle)!.Type != r.AttributeGroupType) continue;
            var value = _db.Find(s.Handle)!.Value;
            if (length < 0) length = value.Length;
            if (value.Length != length || 2 + (found.Count + 1) * (4 + length) > mtu) break;
            found.Add(new AttGroupValue(s.Handle, s.EndHandle, value));
        }
        return found.Count > 0 ? new AttReadByGroupTypeResponse(found) : new AttErrorResponse(r.Opcode, r.StartingHandle, AttErrorCode.AttributeNotFound);
    }

    private async ValueTask<AttPdu> ReadBlobAsync(AttReadBlobRequest r, ushort mtu, CancellationToken ct)
    {
        var value = await ReadAsync(r.Opcode, r.AttributeHandle, ct).ConfigureAwait(false);
        if (r.ValueOffset > value.Length) return new AttErrorResponse(r.Opcode, r.AttributeHandle, AttErrorCode.InvalidOffset);
        return new AttReadBlobResponse(Fit(value[r.ValueOffset..], mtu - 1));
    }

    private async ValueTask<AttPdu> ReadMultipleAsync(AttReadMultipleRequest r, ushort mtu, CancellationToken ct)
    {
        var all = new List<byte>();
        foreach (var h in r.SetOfHandles) all.AddRange((await ReadAsync(r.Opcode, h, ct).ConfigureAwait(false)).Span);
        return new AttReadMultipleResponse(Fit(all.ToArray(), mtu - 1));
    }

    // §3.4.4.12: Length Value tuples; the response ends at ATT_MTU − 1, cutting the last value (its Length stays whole).
    private async ValueTask<AttPdu> ReadMultipleVariableAsync(AttReadMultipleVariableRequest r, ushort mtu, CancellationToken ct)
    {
        var lengths = new List<ushort>();
        var values = new List<ReadOnlyMemory<byte>>();
        int room = mtu - 1;
        foreach (var h in r.SetOfHandles)
        {
            var value = await ReadAsync(r.Opcode, h, ct).ConfigureAwait(false);
            if (room < 2) break;
            lengths.Add((ushort)value.Length);
            values.Add(Fit(value, room - 2));
            room -= 2 + values[^1].Length;
        }
        return new AttReadMultipleVariableResponse(lengths, values);
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadAsync(AttOpcode opcode, ushort handle, CancellationToken ct)
    {
        var a = _db.Find(handle) ?? throw new GattErrorException(AttErrorCode.InvalidHandle) { Handle = handle };
        if ((a.Permissions & (GattPermissions.Read | GattPermissions.ReadEncrypted)) == 0) throw new GattErrorException(AttErrorCode.ReadNotPermitted) { Handle = handle };
        if (a.Permissions.HasFlag(GattPermissions.ReadEncrypted) && !_isEncrypted()) throw new GattErrorException(AttErrorCode.InsufficientEncryption) { Handle = handle };
        if (a.IsCccd)
        {
            var v = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(v, GetClientConfiguration(a.Characteristic!));
            return v;
        }
        _logger.LogTrace("GATT server: {Opcode} 0x{Handle:X4} from {Remote}", opcode, handle, Remote);
        return a.OnRead is { } read ? await Handler(() => read(this, ct), handle).ConfigureAwait(false) : a.Value;
    }

    private async ValueTask<AttPdu?> WriteAsync(AttOpcode opcode, ushort handle, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        var a = _db.Find(handle) ?? throw new GattErrorException(AttErrorCode.InvalidHandle) { Handle = handle };
        if ((a.Permissions & (GattPermissions.Write | GattPermissions.WriteEncrypted)) == 0) throw new GattErrorException(AttErrorCode.WriteNotPermitted) { Handle = handle };
        if (a.Permissions.HasFlag(GattPermissions.WriteEncrypted) && !_isEncrypted()) throw new GattErrorException(AttErrorCode.InsufficientEncryption) { Handle = handle };
        if (value.Length > AttConstants.MaxAttributeValueLength) throw new GattErrorException(AttErrorCode.InvalidAttributeValueLength) { Handle = handle };
        if (a.IsCccd)
        {
            if (value.Length != 2) throw new GattErrorException(AttErrorCode.InvalidAttributeValueLength) { Handle = handle };
            ushort config = BinaryPrimitives.ReadUInt16LittleEndian(value.Span);
            var props = a.Characteristic!.Properties;
            if ((config & 1) != 0 && !props.HasFlag(GattCharacteristicProperties.Notify) || (config & 2) != 0 && !props.HasFlag(GattCharacteristicProperties.Indicate) || config > 3)
                throw new GattErrorException(AttErrorCode.ClientCharacteristicConfigurationDescriptorImproperlyConfigured) { Handle = handle };
            lock (_gate) _cccd[handle] = config;
        }
        else
        {
            if (a.OnWrite is { } write)
                await Handler(async () => { await write(this, value, ct).ConfigureAwait(false); return default; }, handle).ConfigureAwait(false);
            a.Value = value.ToArray();
        }
        return opcode == AttOpcode.ATT_WRITE_REQ ? new AttWriteResponse() : null;
    }

    private async ValueTask<AttPdu?> WriteCommandAsync(AttWriteCommand r, CancellationToken ct)
    {
        try
        {
            await WriteAsync(r.Opcode, r.AttributeHandle, r.AttributeValue, ct).ConfigureAwait(false);
        }
        catch (GattErrorException e)
        {
            _logger.LogDebug("GATT server: write command to 0x{Handle:X4} refused: {Error}", r.AttributeHandle, e.ErrorCode);   // §3.4.5.3: no response
        }
        return null;
    }

    private AttPdu Prepare(AttPrepareWriteRequest r)
    {
        var a = _db.Find(r.AttributeHandle) ?? throw new GattErrorException(AttErrorCode.InvalidHandle) { Handle = r.AttributeHandle };
        if ((a.Permissions & (GattPermissions.Write | GattPermissions.WriteEncrypted)) == 0) throw new GattErrorException(AttErrorCode.WriteNotPermitted) { Handle = r.AttributeHandle };
        lock (_gate)
        {
            if (_prepared.Sum(p => p.Part.Length) + r.PartAttributeValue.Length > AttConstants.MaxAttributeValueLength * 4)
                return new AttErrorResponse(r.Opcode, r.AttributeHandle, AttErrorCode.PrepareQueueFull);
            _prepared.Add((r.AttributeHandle, r.ValueOffset, r.PartAttributeValue.ToArray()));
        }
        return new AttPrepareWriteResponse(r.AttributeHandle, r.ValueOffset, r.PartAttributeValue);
    }

    private async ValueTask<AttPdu> ExecuteAsync(AttExecuteWriteRequest r, CancellationToken ct)
    {
        List<(ushort Handle, ushort Offset, byte[] Part)> queue;
        lock (_gate)
        {
            queue = [.. _prepared];
            _prepared.Clear();
        }
        if (r.Flags == AttExecuteWriteFlags.Cancel) return new AttExecuteWriteResponse();
        foreach (var group in queue.GroupBy(p => p.Handle))
        {
            // Parts must continue the value so far: offsets 0, n, n+m … (§3.4.6.3 lets the server check offsets at execute).
            var value = new List<byte>();
            foreach (var (handle, offset, part) in group)
            {
                if (offset != value.Count) return new AttErrorResponse(r.Opcode, handle, AttErrorCode.InvalidOffset);
                value.AddRange(part);
            }
            await WriteAsync(AttOpcode.ATT_WRITE_REQ, group.Key, value.ToArray(), ct).ConfigureAwait(false);
        }
        return new AttExecuteWriteResponse();
    }

    private async ValueTask<ReadOnlyMemory<byte>> Handler(Func<ValueTask<ReadOnlyMemory<byte>>> call, ushort handle)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (GattErrorException e) when (e.Handle == 0)
        {
            throw new GattErrorException(e.ErrorCode) { Handle = handle };
        }
        catch (Exception e) when (e is not GattErrorException and not OperationCanceledException)
        {
            // A failing application handler must not end the bearer: the client hears Unlikely Error.
            _logger.LogWarning(e, "GATT server: handler for 0x{Handle:X4} threw", handle);
            throw new GattErrorException(AttErrorCode.UnlikelyError) { Handle = handle };
        }
    }

    private IEnumerable<GattAttribute> InRange(ushort start, ushort end)
    {
        for (int h = start; h <= end && h <= _db.Attributes.Count; h++) yield return _db.Attributes[h - 1];
    }

    // §3.4.3.1 etc.: a zero or reversed range is Invalid Handle.
    private static AttErrorCode? Invalid(ushort start, ushort end) => start == 0 || start > end ? AttErrorCode.InvalidHandle : null;

    private static ReadOnlyMemory<byte> Fit(ReadOnlyMemory<byte> value, int max) => value.Length <= max ? value : value[..max];
}
