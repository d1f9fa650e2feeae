using System.Reactive.Linq;
using ShortRange.Bluetooth.Advertising;

namespace ShortRange.Bluetooth.Gatt;

public sealed partial class GattClient
{
    private IReadOnlyList<GattService>? _cachedServices;

    /// <summary>
    /// The primary services, discovered once and then cached until a Service Changed indication (or
    /// <see cref="InvalidateCache"/>) drops the cache; the next call discovers again.
    /// </summary>
    public async Task<IReadOnlyList<GattService>> GetServicesAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _cachedServices) is { } cached) return cached;
        var services = await DiscoverPrimaryServicesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _cachedServices, services);
        return services;
    }

    /// <summary>Drops the cached services (handles found before may now name other attributes).</summary>
    public void InvalidateCache() => Volatile.Write(ref _cachedServices, null);

    /// <summary>
    /// Service Changed (§7.1): cold. Subscribing finds the GATT service's Service Changed characteristic (0x2A05) and
    /// enables its indications; each indication drops the cached services, then emits the Affected Attribute Handle
    /// Range so the user can rediscover. Completes at once when the server has no Service Changed characteristic
    /// (its database never changes over a connection); ends with the bearer's exception when the bearer closes.
    /// </summary>
    public IObservable<GattHandleRange> ServiceChanged => Observable.FromAsync(FindServiceChangedAsync).SelectMany(found => found is { } f
        ? Subscribe(f.Characteristic, f.Cccd, indicate: true).Select(ParseRange).Do(_ => InvalidateCache())
        : Observable.Empty<GattHandleRange>());

    private async Task<(GattCharacteristic Characteristic, ushort Cccd)?> FindServiceChangedAsync(CancellationToken cancellationToken)
    {
        var gatt = await DiscoverPrimaryServicesAsync(BluetoothUuid.FromShort(0x1801), cancellationToken).ConfigureAwait(false);
        foreach (var service in gatt)
        {
            foreach (var c in await DiscoverCharacteristicsAsync(service, cancellationToken).ConfigureAwait(false))
            {
                if (c.Uuid != GattUuids.ServiceChanged) continue;
                var cccd = (await DiscoverDescriptorsAsync(c, cancellationToken).ConfigureAwait(false))
                    .FirstOrDefault(d => d.Uuid == GattUuids.ClientCharacteristicConfiguration);
                if (cccd is not null) return (c, cccd.Handle);
            }
        }
        return null;
    }
}
