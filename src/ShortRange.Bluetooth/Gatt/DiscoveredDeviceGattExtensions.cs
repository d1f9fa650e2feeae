using Microsoft.Extensions.Logging;
using ShortRange.Bluetooth.Mgmt;
using ShortRange.Devices;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>Connects to a device the Bluetooth scanner found over LE.</summary>
public static class DiscoveredDeviceGattExtensions
{
    /// <summary>
    /// Opens a <see cref="GattConnection"/> to <paramref name="device"/> from the controller that saw it
    /// (<see cref="DiscoveredDevice.Adapter"/>, "hciN"), using the address and LE address type it advertised with.
    /// </summary>
    /// <exception cref="ArgumentException">the device is not a Bluetooth LE device, or its adapter is not "hciN".</exception>
    public static async Task<GattConnection> ConnectGattAsync(this DiscoveredDevice device, GattConnectionOptions? options = null,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Address is not BluetoothDeviceAddress { Type: BluetoothAddressType.LePublic or BluetoothAddressType.LeRandom } address)
            throw new ArgumentException($"{device.Address} is not a Bluetooth LE address; GATT over ATT's fixed channel needs one", nameof(device));
        if (!ControllerName.TryParseIndex(device.Adapter, out _))
            throw new ArgumentException($"'{device.Adapter}' is not a Bluetooth controller name (hciN)", nameof(device));
        return await GattConnection.ConnectAsync(device.Adapter, address, options, logger, cancellationToken).ConfigureAwait(false);
    }
}
