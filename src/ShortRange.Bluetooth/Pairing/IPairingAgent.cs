using ShortRange.Devices;

namespace ShortRange.Bluetooth.Pairing;

/// <summary>What the application implements to take part in pairing (answers go back to the kernel as mgmt replies).</summary>
public interface IPairingAgent
{
    /// <summary>Numeric comparison: true accepts (User Confirmation Reply), false rejects.</summary>
    ValueTask<bool> ConfirmPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, CancellationToken cancellationToken);

    /// <summary>Passkey entry: the six-digit passkey shown by the peer, or null to reject.</summary>
    ValueTask<uint?> RequestPasskeyAsync(BluetoothDeviceAddress peer, CancellationToken cancellationToken);

    /// <summary>Passkey display: show <paramref name="passkey"/>; <paramref name="entered"/> counts digits typed on the peer.</summary>
    ValueTask DisplayPasskeyAsync(BluetoothDeviceAddress peer, uint passkey, byte entered, CancellationToken cancellationToken);

    /// <summary>Legacy PIN: 1–16 bytes, or null to reject. <paramref name="secure"/>: a 16-digit PIN is required.</summary>
    ValueTask<byte[]?> RequestPinCodeAsync(BluetoothDeviceAddress peer, bool secure, CancellationToken cancellationToken);
}
