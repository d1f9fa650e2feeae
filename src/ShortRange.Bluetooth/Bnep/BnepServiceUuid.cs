using ShortRange.Bluetooth.Advertising;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>Maps PAN roles to and from service UUIDs over the Bluetooth Base UUID (Core Vol 3 Part B §2.5.1).</summary>
public static class BnepServiceUuid
{
    public static Guid Of(BnepRole role) => BluetoothUuid.FromShort((ushort)role);

    /// <summary>The role a service UUID names, or null when it is not PANU/NAP/GN over the Base UUID.</summary>
    public static BnepRole? RoleOf(Guid uuid)
    {
        foreach (var r in (ReadOnlySpan<BnepRole>)[BnepRole.Panu, BnepRole.Nap, BnepRole.Gn])
            if (uuid == Of(r)) return r;
        return null;
    }
}
