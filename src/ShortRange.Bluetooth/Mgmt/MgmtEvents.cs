using ShortRange.Devices;

namespace ShortRange.Bluetooth.Mgmt;

/// <summary>Return parameters of Read Controller Information (doc/mgmt-api.txt, 0x0004): 280 octets.</summary>
public sealed record ControllerInfo(ushort Index, ulong Address, byte BluetoothVersion, ushort Manufacturer,
    MgmtSettings SupportedSettings, MgmtSettings CurrentSettings, uint ClassOfDevice, string Name, string ShortName)
{
    public string AdapterName => ControllerName.Format(Index);
    public string AddressText => new BluetoothDeviceAddress(Address, BluetoothAddressType.BrEdr).ToString();
}

/// <summary>Device Found event (0x0012).</summary>
/// <param name="Flags">bit 0 Confirm name, bit 1 Legacy pairing, bit 2 Not connectable.</param>
public sealed record DeviceFoundEvent(BluetoothDeviceAddress Address, sbyte Rssi, uint Flags, byte[] Eir);

/// <summary>Device Connected event (0x000B).</summary>
public sealed record DeviceConnectedEvent(BluetoothDeviceAddress Address, uint Flags, byte[] Eir);

/// <summary>Discovering event (0x0013).</summary>
public sealed record DiscoveringEvent(DiscoveryAddressTypes AddressTypes, bool Discovering);

/// <summary>New Link Key event (0x0009); only Store_Hint = 1 keys are meant to be persisted.</summary>
public sealed record NewLinkKeyEvent(bool StoreHint, LinkKey Key);

/// <summary>New Long Term Key event (0x000A).</summary>
public sealed record NewLongTermKeyEvent(bool StoreHint, LongTermKey Key);

/// <summary>New Identity Resolving Key event (0x0018).</summary>
public sealed record NewIrkEvent(bool StoreHint, ulong RandomAddress, IdentityResolvingKey Key);

/// <summary>User Confirmation Request (0x000F).</summary>
public sealed record UserConfirmRequestEvent(BluetoothDeviceAddress Address, bool ConfirmHint, uint Value);

/// <summary>Passkey Notify (0x0017).</summary>
public sealed record PasskeyNotifyEvent(BluetoothDeviceAddress Address, uint Passkey, byte Entered);

/// <summary>Decoders of mgmt event parameters. Each throws <see cref="MgmtProtocolException"/> on truncation.</summary>
public static class MgmtEvents
{
    /// <summary>Command Complete (0x0001): Command_Opcode (2), Status (1), Return_Parameters.</summary>
    public static (ushort Opcode, MgmtStatus Status, ReadOnlyMemory<byte> Return) CommandComplete(ReadOnlyMemory<byte> p)
    {
        var r = new MgmtReader(p.Span, "Command Complete");
        ushort op = r.U16();
        var st = (MgmtStatus)r.U8();
        return (op, st, p[3..]);
    }

    /// <summary>Command Status (0x0002): Command_Opcode (2), Status (1).</summary>
    public static (ushort Opcode, MgmtStatus Status) CommandStatus(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Command Status");
        return (r.U16(), (MgmtStatus)r.U8());
    }

    public static ControllerInfo ReadInfo(ushort index, ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Read Controller Information");
        ulong addr = BluetoothDeviceAddress.FromLittleEndian(r.Bytes(6));
        byte ver = r.U8();
        ushort manu = r.U16();
        var supported = (MgmtSettings)r.U32();
        var current = (MgmtSettings)r.U32();
        uint cod = r.U24();
        string name = r.FixedString(MgmtCommands.MGMT_MAX_NAME_LENGTH);
        string shortName = r.FixedString(MgmtCommands.MGMT_MAX_SHORT_NAME_LENGTH);
        return new ControllerInfo(index, addr, ver, manu, supported, current, cod, name, shortName);
    }

    /// <summary>Read Controller Index List: Num_Controllers (2), Controller_Index[i] (2).</summary>
    public static ushort[] IndexList(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Read Controller Index List");
        int n = r.U16();
        if (r.Remaining < n * 2) throw new MgmtProtocolException($"Read Controller Index List: {n} controllers declared, {r.Remaining / 2} present");
        var list = new ushort[n];
        for (int i = 0; i < n; i++) list[i] = r.U16();
        return list;
    }

    /// <summary>Get Connections reply: Connection_Count (2) then Address, Address_Type per connection.</summary>
    public static BluetoothDeviceAddress[] Connections(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Get Connections");
        int n = r.U16();
        if (r.Remaining < n * 7) throw new MgmtProtocolException($"Get Connections: {n} connections declared, {r.Remaining / 7} present");
        var list = new BluetoothDeviceAddress[n];
        for (int i = 0; i < n; i++) list[i] = r.Address();
        return list;
    }

    public static MgmtSettings Settings(ReadOnlySpan<byte> p) => (MgmtSettings)new MgmtReader(p, "Current_Settings").U32();

    public static DeviceFoundEvent DeviceFound(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Device Found");
        var addr = r.Address();
        var rssi = (sbyte)r.U8();
        uint flags = r.U32();
        int len = r.U16();
        return new DeviceFoundEvent(addr, rssi, flags, r.Bytes(len).ToArray());
    }

    public static DeviceConnectedEvent DeviceConnected(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Device Connected");
        var addr = r.Address();
        uint flags = r.U32();
        int len = r.U16();
        return new DeviceConnectedEvent(addr, flags, r.Bytes(len).ToArray());
    }

    /// <summary>Device Disconnected (0x000C): Address, Address_Type, Reason.</summary>
    public static (BluetoothDeviceAddress Address, byte Reason) DeviceDisconnected(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Device Disconnected");
        return (r.Address(), r.U8());
    }

    public static DiscoveringEvent Discovering(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Discovering");
        return new DiscoveringEvent((DiscoveryAddressTypes)r.U8(), r.U8() != 0);
    }

    public static NewLinkKeyEvent NewLinkKey(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "New Link Key");
        bool hint = r.U8() != 0;
        var addr = r.Address();
        byte type = r.U8();
        var value = r.Bytes(16).ToArray();
        return new NewLinkKeyEvent(hint, new LinkKey(addr, type, value, r.U8()));
    }

    public static NewLongTermKeyEvent NewLongTermKey(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "New Long Term Key");
        bool hint = r.U8() != 0;
        var addr = r.Address();
        byte type = r.U8();
        bool central = r.U8() != 0;
        byte encSize = r.U8();
        ushort ediv = r.U16();
        ulong rand = r.U64();
        var value = r.Bytes(16).ToArray();
        return new NewLongTermKeyEvent(hint, new LongTermKey(addr, type, central, encSize, ediv, rand, value));
    }

    public static NewIrkEvent NewIrk(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "New Identity Resolving Key");
        bool hint = r.U8() != 0;
        ulong rpa = BluetoothDeviceAddress.FromLittleEndian(r.Bytes(6));
        var addr = r.Address();
        return new NewIrkEvent(hint, rpa, new IdentityResolvingKey(addr, r.Bytes(16).ToArray()));
    }

    public static UserConfirmRequestEvent UserConfirmRequest(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "User Confirmation Request");
        var addr = r.Address();
        bool hint = r.U8() != 0;
        return new UserConfirmRequestEvent(addr, hint, r.U32());
    }

    public static PasskeyNotifyEvent PasskeyNotify(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Passkey Notify");
        var addr = r.Address();
        uint pk = r.U32();
        return new PasskeyNotifyEvent(addr, pk, r.U8());
    }

    /// <summary>Address + Address_Type only (User Passkey Request 0x0010, Device Unpaired 0x0016, Pair Device return).</summary>
    public static BluetoothDeviceAddress AddressOnly(ReadOnlySpan<byte> p, string what) => new MgmtReader(p, what).Address();

    /// <summary>PIN Code Request (0x000E): Address, Address_Type, Secure (1).</summary>
    public static (BluetoothDeviceAddress Address, bool Secure) PinCodeRequest(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "PIN Code Request");
        return (r.Address(), r.U8() != 0);
    }

    /// <summary>Authentication Failed (0x0011): Address, Address_Type, Status.</summary>
    public static (BluetoothDeviceAddress Address, MgmtStatus Status) AuthFailed(ReadOnlySpan<byte> p)
    {
        var r = new MgmtReader(p, "Authentication Failed");
        return (r.Address(), (MgmtStatus)r.U8());
    }
}
