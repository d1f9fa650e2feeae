using System.Buffers.Binary;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Gatt;

public sealed partial class GattClient
{
    /// <summary>
    /// Find Included Services (§4.5.1): ATT_READ_BY_TYPE_REQ for «Include» (0x2802) over the service's range. An include
    /// of a 128-bit service carries no UUID (a 4-octet value); its UUID is read from the included service declaration.
    /// </summary>
    public async Task<IReadOnlyList<GattIncludedService>> FindIncludedServicesAsync(GattService service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        var found = new List<GattIncludedService>();
        for (int start = service.Handle; start <= service.EndGroupHandle;)
        {
            var rsp = await UntilNotFound<AttReadByTypeResponse>(new AttReadByTypeRequest((ushort)start, service.EndGroupHandle, GattUuids.Include), cancellationToken).ConfigureAwait(false);
            if (rsp is null) break;
            foreach (var e in rsp.AttributeDataList)
            {
                var v = e.Value.Span;
                if (v.Length is not (4 or 6)) throw new AttFormatException($"include definition at 0x{e.Handle:X4} has {v.Length} octets, not 4 or 6");
                ushort included = BinaryPrimitives.ReadUInt16LittleEndian(v);
                ushort end = BinaryPrimitives.ReadUInt16LittleEndian(v[2..]);
                Guid uuid = v.Length == 6 ? AttUuid.Read(v[4..]) : await ReadServiceUuidAsync(included, cancellationToken).ConfigureAwait(false);
                found.Add(new GattIncludedService(e.Handle, included, end, uuid));
            }
            start = Next(rsp.AttributeDataList[^1].Handle, start);
        }
        return found;
    }

    private async Task<Guid> ReadServiceUuidAsync(ushort declaration, CancellationToken cancellationToken)
    {
        var rsp = (AttReadResponse)await _bearer.RequestAsync(new AttReadRequest(declaration), cancellationToken).ConfigureAwait(false);
        return rsp.AttributeValue.Length == 16
            ? AttUuid.Read(rsp.AttributeValue.Span)
            : throw new AttFormatException($"service declaration 0x{declaration:X4} read as {rsp.AttributeValue.Length} octets, not a 128-bit UUID");
    }
}
