using ShortRange.Devices;

namespace ShortRange.Bluetooth.Mgmt;

// Typed wrappers over SendCommandAsync, one per command (doc/mgmt-api.txt).
public sealed partial class MgmtClient
{
    /// <summary>Read Management Version Information: (Version, Revision).</summary>
    public async Task<(byte Version, ushort Revision)> ReadVersionAsync(CancellationToken ct = default)
    {
        var r = await SendCommandAsync(MgmtOpcode.MGMT_OP_READ_VERSION, MgmtPacket.MGMT_INDEX_NONE, default, ct).ConfigureAwait(false);
        var rd = new MgmtReader(r.Span, "Read Version");
        return (rd.U8(), rd.U16());
    }

    private MgmtSupportedCommands? _supportedCommands;

    /// <summary>
    /// Read Management Supported Commands (0x0002): what this kernel's mgmt interface offers. The answer is the same
    /// for the life of the kernel, so the first successful one is kept for this client.
    /// </summary>
    public async Task<MgmtSupportedCommands> ReadSupportedCommandsAsync(CancellationToken ct = default)
    {
        if (Volatile.Read(ref _supportedCommands) is { } known) return known;
        var r = await SendCommandAsync(MgmtOpcode.MGMT_OP_READ_COMMANDS, MgmtPacket.MGMT_INDEX_NONE, default, ct).ConfigureAwait(false);
        var decoded = MgmtSupportedCommands.Decode(r.Span);
        return Interlocked.CompareExchange(ref _supportedCommands, decoded, null) ?? decoded;
    }

    public async Task<ushort[]> ReadIndexListAsync(CancellationToken ct = default) =>
        MgmtEvents.IndexList((await SendCommandAsync(MgmtOpcode.MGMT_OP_READ_INDEX_LIST, MgmtPacket.MGMT_INDEX_NONE, default, ct).ConfigureAwait(false)).Span);

    public async Task<ControllerInfo> ReadControllerInfoAsync(ushort index, CancellationToken ct = default) =>
        MgmtEvents.ReadInfo(index, (await SendCommandAsync(MgmtOpcode.MGMT_OP_READ_INFO, index, default, ct).ConfigureAwait(false)).Span);

    /// <summary>Read Controller Information for the controller named <paramref name="controller"/> ("hci0").</summary>
    /// <exception cref="ArgumentException"><paramref name="controller"/> is not a name such as "hci0".</exception>
    /// <exception cref="MgmtException">no such controller (Invalid Index).</exception>
    public Task<ControllerInfo> ReadControllerInfoAsync(string controller, CancellationToken ct = default) =>
        ReadControllerInfoAsync(ControllerName.ParseIndex(controller), ct);

    private async Task<MgmtSettings> SettingAsync(ushort opcode, ushort index, byte[] p, CancellationToken ct) =>
        MgmtEvents.Settings((await SendCommandAsync(opcode, index, p, ct).ConfigureAwait(false)).Span);

    public Task<MgmtSettings> SetPoweredAsync(ushort index, bool on, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_POWERED, index, MgmtCommands.Bool(on), ct);

    /// <param name="mode">0 off, 1 general, 2 limited discoverable.</param>
    public Task<MgmtSettings> SetDiscoverableAsync(ushort index, byte mode, ushort timeoutSeconds = 0, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_DISCOVERABLE, index, MgmtCommands.SetDiscoverable(mode, timeoutSeconds), ct);

    public Task<MgmtSettings> SetConnectableAsync(ushort index, bool on, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_CONNECTABLE, index, MgmtCommands.Bool(on), ct);

    public Task<MgmtSettings> SetBondableAsync(ushort index, bool on, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_BONDABLE, index, MgmtCommands.Bool(on), ct);

    public Task<MgmtSettings> SetLinkSecurityAsync(ushort index, bool on, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_LINK_SECURITY, index, MgmtCommands.Bool(on), ct);

    public Task<MgmtSettings> SetSecureSimplePairingAsync(ushort index, bool on, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_SSP, index, MgmtCommands.Bool(on), ct);

    public Task<MgmtSettings> SetLowEnergyAsync(ushort index, bool on, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_LE, index, MgmtCommands.Bool(on), ct);

    public Task<MgmtSettings> SetBrEdrAsync(ushort index, bool on, CancellationToken ct = default) =>
        SettingAsync(MgmtOpcode.MGMT_OP_SET_BREDR, index, MgmtCommands.Bool(on), ct);

    public Task SetLocalNameAsync(ushort index, string name, string? shortName = null, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_SET_LOCAL_NAME, index, MgmtCommands.SetLocalName(name, shortName), ct);

    public Task SetIoCapabilityAsync(ushort index, IoCapability io, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_SET_IO_CAPABILITY, index, new[] { (byte)io }, ct);

    public Task StartDiscoveryAsync(ushort index, DiscoveryAddressTypes types, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_START_DISCOVERY, index, new[] { (byte)types }, ct);

    public Task StopDiscoveryAsync(ushort index, DiscoveryAddressTypes types, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_STOP_DISCOVERY, index, new[] { (byte)types }, ct);

    /// <summary>Confirm Name (0x0025): Address, Address_Type, Name_Known. Name_Known = 0 asks the kernel to resolve the name.</summary>
    public Task ConfirmNameAsync(ushort index, BluetoothDeviceAddress address, bool nameKnown, CancellationToken ct = default)
    {
        var p = MgmtCommands.Address(address, 1);
        p[7] = nameKnown ? (byte)1 : (byte)0;
        return SendCommandAsync(MgmtOpcode.MGMT_OP_CONFIRM_NAME, index, p, ct);
    }

    /// <summary>Disconnect (0x0014): ends the ACL (BR/EDR) or LE link to the address; Not Connected when there is none.</summary>
    public Task DisconnectAsync(ushort index, BluetoothDeviceAddress address, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_DISCONNECT, index, MgmtCommands.Address(address), ct);

    /// <summary>Get Connections (0x0015): the addresses the controller has a link with, each with its address type.</summary>
    public async Task<BluetoothDeviceAddress[]> GetConnectionsAsync(ushort index, CancellationToken ct = default) =>
        MgmtEvents.Connections((await SendCommandAsync(MgmtOpcode.MGMT_OP_GET_CONNECTIONS, index, default, ct).ConfigureAwait(false)).Span);

    public Task PairDeviceAsync(ushort index, BluetoothDeviceAddress address, IoCapability io, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_PAIR_DEVICE, index, MgmtCommands.PairDevice(address, io), ct);

    public Task CancelPairDeviceAsync(ushort index, BluetoothDeviceAddress address, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_CANCEL_PAIR_DEVICE, index, MgmtCommands.Address(address), ct);

    public Task UnpairDeviceAsync(ushort index, BluetoothDeviceAddress address, bool disconnect = true, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_UNPAIR_DEVICE, index, MgmtCommands.UnpairDevice(address, disconnect), ct);

    public Task UserConfirmReplyAsync(ushort index, BluetoothDeviceAddress address, bool accept, CancellationToken ct = default) =>
        SendCommandAsync(accept ? MgmtOpcode.MGMT_OP_USER_CONFIRM_REPLY : MgmtOpcode.MGMT_OP_USER_CONFIRM_NEG_REPLY, index, MgmtCommands.Address(address), ct);

    /// <summary>User Passkey Reply, or the negative reply when <paramref name="passkey"/> is null.</summary>
    public Task UserPasskeyReplyAsync(ushort index, BluetoothDeviceAddress address, uint? passkey, CancellationToken ct = default) =>
        passkey is { } pk
            ? SendCommandAsync(MgmtOpcode.MGMT_OP_USER_PASSKEY_REPLY, index, MgmtCommands.UserPasskeyReply(address, pk), ct)
            : SendCommandAsync(MgmtOpcode.MGMT_OP_USER_PASSKEY_NEG_REPLY, index, MgmtCommands.Address(address), ct);

    /// <summary>PIN Code Reply, or the negative reply when <paramref name="pin"/> is null.</summary>
    public Task PinCodeReplyAsync(ushort index, BluetoothDeviceAddress address, byte[]? pin, CancellationToken ct = default) =>
        pin is not null
            ? SendCommandAsync(MgmtOpcode.MGMT_OP_PIN_CODE_REPLY, index, MgmtCommands.PinCodeReply(address, pin), ct)
            : SendCommandAsync(MgmtOpcode.MGMT_OP_PIN_CODE_NEG_REPLY, index, MgmtCommands.Address(address), ct);

    public Task LoadLinkKeysAsync(ushort index, IReadOnlyList<LinkKey> keys, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_LOAD_LINK_KEYS, index, MgmtCommands.LoadLinkKeys(keys), ct);

    public Task LoadLongTermKeysAsync(ushort index, IReadOnlyList<LongTermKey> keys, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_LOAD_LONG_TERM_KEYS, index, MgmtCommands.LoadLongTermKeys(keys), ct);

    public Task LoadIdentityResolvingKeysAsync(ushort index, IReadOnlyList<IdentityResolvingKey> keys, CancellationToken ct = default) =>
        SendCommandAsync(MgmtOpcode.MGMT_OP_LOAD_IRKS, index, MgmtCommands.LoadIdentityResolvingKeys(keys), ct);
}
