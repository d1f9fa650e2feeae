using System.Buffers.Binary;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Gatt;

public sealed partial class GattClient
{
    /// <summary>
    /// Read Using Characteristic UUID (§4.8.2): every readable attribute of type <paramref name="uuid"/> between
    /// <paramref name="startHandle"/> and <paramref name="endHandle"/> with its value (as much of each as one response
    /// holds: at most ATT_MTU − 4 octets). An empty list when there is none; other errors are the server's.
    /// </summary>
    public async Task<IReadOnlyList<AttHandleValue>> ReadByUuidAsync(Guid uuid, ushort startHandle = AttConstants.MinHandle,
        ushort endHandle = AttConstants.MaxHandle, CancellationToken cancellationToken = default)
    {
        var found = new List<AttHandleValue>();
        for (int start = startHandle; start <= endHandle;)
        {
            var rsp = await UntilNotFound<AttReadByTypeResponse>(new AttReadByTypeRequest((ushort)start, endHandle, uuid), cancellationToken).ConfigureAwait(false);
            if (rsp is null) break;
            found.AddRange(rsp.AttributeDataList);
            start = Next(rsp.AttributeDataList[^1].Handle, start);
        }
        return found;
    }

    /// <summary>
    /// Read Multiple Characteristic Values (§4.8.4): the values of two or more handles, concatenated in request order
    /// and cut at ATT_MTU − 1. The response does not say where one value ends; the caller must know the lengths
    /// (every value but the last should be of fixed length).
    /// </summary>
    public async Task<byte[]> ReadMultipleAsync(IReadOnlyList<ushort> handles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handles);
        if (handles.Count < 2) throw new ArgumentException("Read Multiple needs two or more handles", nameof(handles));
        var rsp = (AttReadMultipleResponse)await _bearer.RequestAsync(new AttReadMultipleRequest(handles), cancellationToken).ConfigureAwait(false);
        return rsp.SetOfValues.ToArray();
    }

    /// <summary>
    /// Read Multiple Variable Length Characteristic Values (§4.8.5): one value per handle. A value cut short because
    /// the response reached ATT_MTU is returned as received (its Length said more); read it with <see cref="ReadAsync"/>.
    /// Servers without it (before Core 5.2) answer Request Not Supported.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> ReadMultipleVariableAsync(IReadOnlyList<ushort> handles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handles);
        if (handles.Count < 2) throw new ArgumentException("Read Multiple Variable needs two or more handles", nameof(handles));
        var rsp = (AttReadMultipleVariableResponse)await _bearer.RequestAsync(new AttReadMultipleVariableRequest(handles), cancellationToken).ConfigureAwait(false);
        if (rsp.AttributeValues.Count > handles.Count)
            throw new AttFormatException($"ATT_READ_MULTIPLE_VARIABLE_RSP has {rsp.AttributeValues.Count} values for {handles.Count} handles");
        return [.. rsp.AttributeValues.Select(v => v.ToArray())];
    }

    // The value of a Service Changed indication: Start and End of the Affected Attribute Handle Range (§7.1).
    private static GattHandleRange ParseRange(ReadOnlyMemory<byte> value) => value.Length == 4
        ? new GattHandleRange(BinaryPrimitives.ReadUInt16LittleEndian(value.Span), BinaryPrimitives.ReadUInt16LittleEndian(value.Span[2..]))
        : throw new AttFormatException($"Service Changed value has {value.Length} octets, not 4");
}
