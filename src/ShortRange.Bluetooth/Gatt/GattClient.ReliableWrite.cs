using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Gatt;

public sealed partial class GattClient
{
    /// <summary>
    /// Reliable Writes (§4.9.5): queues every value with ATT_PREPARE_WRITE_REQ (in parts of ATT_MTU − 5 octets),
    /// checks that each ATT_PREPARE_WRITE_RSP echoes handle, offset and part, then writes them all at once with
    /// ATT_EXECUTE_WRITE_REQ (Flags 0x01). A wrong echo or a refused part cancels the queue (Flags 0x00), so the server
    /// writes nothing, and throws <see cref="GattReliableWriteException"/> or the server's error.
    /// </summary>
    public async Task ReliableWriteAsync(IReadOnlyList<(ushort Handle, ReadOnlyMemory<byte> Value)> writes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0) throw new ArgumentException("nothing to write", nameof(writes));
        int chunk = _bearer.Mtu - 5;
        foreach (var (handle, value) in writes)
        {
            if (value.Length > AttConstants.MaxAttributeValueLength)
                throw new ArgumentException($"a value of 0x{handle:X4} is {value.Length} octets, more than {AttConstants.MaxAttributeValueLength}", nameof(writes));
            // An empty value is still one prepared part, so the execute writes it.
            for (int offset = 0; offset == 0 || offset < value.Length; offset += chunk)
            {
                var part = value.Slice(offset, Math.Min(chunk, value.Length - offset));
                AttPrepareWriteResponse echo;
                try
                {
                    echo = (AttPrepareWriteResponse)await _bearer.RequestAsync(new AttPrepareWriteRequest(handle, (ushort)offset, part), cancellationToken).ConfigureAwait(false);
                }
                catch (AttErrorResponseException)
                {
                    await CancelQueueAsync(cancellationToken).ConfigureAwait(false);   // parts queued before this one
                    throw;
                }
                if (echo.AttributeHandle != handle || echo.ValueOffset != offset || !echo.PartAttributeValue.Span.SequenceEqual(part.Span))
                {
                    await CancelQueueAsync(cancellationToken).ConfigureAwait(false);
                    throw new GattReliableWriteException(handle, offset);
                }
            }
        }
        await _bearer.RequestAsync(new AttExecuteWriteRequest(AttExecuteWriteFlags.Write), cancellationToken).ConfigureAwait(false);
    }

    private Task CancelQueueAsync(CancellationToken cancellationToken) =>
        _bearer.RequestAsync(new AttExecuteWriteRequest(AttExecuteWriteFlags.Cancel), cancellationToken);
}
