using System.Buffers.Binary;
using ShortRange.Bluetooth.Att;

namespace ShortRange.Bluetooth.Gatt;

/// <summary>Reads a characteristic or descriptor value for one client.</summary>
public delegate ValueTask<ReadOnlyMemory<byte>> GattReadHandler(GattServerClient client, CancellationToken cancellationToken);

/// <summary>Takes a value a client wrote; throw <see cref="GattErrorException"/> to refuse it with an ATT error.</summary>
public delegate ValueTask GattWriteHandler(GattServerClient client, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

/// <summary>
/// A typed GATT attribute database (Core 5.4 Vol 3 Part G §3): services, their characteristics (declaration, value,
/// a CCCD for notify/indicate) and descriptors, with handles given out in the order things are added. Add a service's
/// characteristics before the next service.
/// </summary>
public sealed class GattDatabase
{
    private readonly List<GattAttribute> _attributes = [];
    private readonly List<GattLocalService> _services = [];

    public IReadOnlyList<GattLocalService> Services => _services;

    internal IReadOnlyList<GattAttribute> Attributes => _attributes;

    /// <summary>Adds a primary (or secondary) service declaration (§3.1).</summary>
    public GattLocalService AddService(Guid uuid, bool primary = true)
    {
        var service = new GattLocalService(this, uuid, primary);
        var value = new byte[AttUuid.GetSize(uuid)];
        AttUuid.Write(uuid, value);
        _services.Add(service);   // first: Add extends the last service's range, which is now this one
        service.Handle = Add(primary ? GattUuids.PrimaryService : GattUuids.SecondaryService, GattPermissions.Read, value).Handle;
        return service;
    }

    internal GattAttribute Add(Guid type, GattPermissions permissions, ReadOnlyMemory<byte> value) =>
        Add(new GattAttribute(type, permissions) { Value = value });

    internal GattAttribute Add(GattAttribute a)
    {
        if (_attributes.Count >= AttConstants.MaxHandle) throw new InvalidOperationException("the database holds 0xFFFF attributes already");
        a.Handle = (ushort)(_attributes.Count + 1);
        _attributes.Add(a);
        if (_services.Count > 0) _services[^1].EndHandle = a.Handle;
        return a;
    }

    internal void CheckLast(GattLocalService service)
    {
        if (!ReferenceEquals(_services[^1], service)) throw new InvalidOperationException("add a service's characteristics before adding the next service");
    }

    /// <summary>The attribute at <paramref name="handle"/>, or null.</summary>
    internal GattAttribute? Find(ushort handle) => handle >= 1 && handle <= _attributes.Count ? _attributes[handle - 1] : null;

    internal GattLocalService? ServiceAt(ushort handle) => _services.FirstOrDefault(s => s.Handle == handle);
}

/// <summary>One attribute (§3.2 of Part F): handle, type, permissions and where its value comes from.</summary>
internal sealed class GattAttribute(Guid type, GattPermissions permissions)
{
    public ushort Handle { get; set; }
    public Guid Type { get; } = type;
    public GattPermissions Permissions { get; } = permissions;
    public ReadOnlyMemory<byte> Value { get; set; }
    public GattReadHandler? OnRead { get; init; }
    public GattWriteHandler? OnWrite { get; init; }
    public bool IsCccd { get; init; }
    public GattLocalCharacteristic? Characteristic { get; init; }
}

/// <summary>A service in a <see cref="GattDatabase"/>.</summary>
public sealed class GattLocalService
{
    private readonly GattDatabase _db;
    private readonly List<GattLocalCharacteristic> _characteristics = [];

    internal GattLocalService(GattDatabase db, Guid uuid, bool primary)
    {
        _db = db;
        Uuid = uuid;
        IsPrimary = primary;
    }

    public Guid Uuid { get; }
    public bool IsPrimary { get; }
    public ushort Handle { get; internal set; }
    public ushort EndHandle { get; internal set; }
    public IReadOnlyList<GattLocalCharacteristic> Characteristics => _characteristics;

    /// <summary>
    /// Adds an include definition (§3.2) of <paramref name="included"/>, a service added earlier (its handle range is then
    /// final). Includes come right after the service declaration, before any characteristic. The value is the included
    /// service's handle, its end group handle and, for a 16-bit UUID only, the UUID.
    /// </summary>
    public ushort AddInclude(GattLocalService included)
    {
        ArgumentNullException.ThrowIfNull(included);
        _db.CheckLast(this);
        if (ReferenceEquals(included, this) || included.Handle >= Handle) throw new ArgumentException("include a service added before this one", nameof(included));
        if (_characteristics.Count > 0) throw new InvalidOperationException("add includes before the service's characteristics");
        bool shortUuid = AttUuid.GetSize(included.Uuid) == 2;
        var value = new byte[shortUuid ? 6 : 4];
        BinaryPrimitives.WriteUInt16LittleEndian(value, included.Handle);
        BinaryPrimitives.WriteUInt16LittleEndian(value.AsSpan(2), included.EndHandle);
        if (shortUuid) AttUuid.Write(included.Uuid, value.AsSpan(4));
        return _db.Add(GattUuids.Include, GattPermissions.Read, value).Handle;
    }

    /// <summary>
    /// Adds a characteristic: its declaration (§3.3.1), its value attribute and, for Notify or Indicate, a Client
    /// Characteristic Configuration descriptor (§3.3.3.3) kept per client. Without <paramref name="onRead"/> reads
    /// return the stored value; a write replaces it once <paramref name="onWrite"/> (if any) accepted it.
    /// </summary>
    public GattLocalCharacteristic AddCharacteristic(Guid uuid, GattCharacteristicProperties properties, GattPermissions permissions,
        ReadOnlyMemory<byte> value = default, GattReadHandler? onRead = null, GattWriteHandler? onWrite = null)
    {
        _db.CheckLast(this);
        int size = AttUuid.GetSize(uuid);
        var declaration = new byte[3 + size];
        declaration[0] = (byte)properties;
        AttUuid.Write(uuid, declaration.AsSpan(3));
        _db.Add(GattUuids.Characteristic, GattPermissions.Read, declaration);
        var c = new GattLocalCharacteristic(_db, this, uuid, properties);
        var valueAttribute = new GattAttribute(uuid, permissions)
        {
            Value = value, OnRead = onRead, OnWrite = onWrite, Characteristic = c,
        };
        c.ValueAttribute = _db.Add(valueAttribute);
        BinaryPrimitives.WriteUInt16LittleEndian(declaration.AsSpan(1), c.ValueHandle);
        if ((properties & (GattCharacteristicProperties.Notify | GattCharacteristicProperties.Indicate)) != 0)
            c.CccdHandle = _db.Add(new GattAttribute(GattUuids.ClientCharacteristicConfiguration, GattPermissions.ReadWrite)
            {
                IsCccd = true, Characteristic = c,
            }).Handle;
        _characteristics.Add(c);
        return c;
    }
}

/// <summary>A characteristic in a <see cref="GattDatabase"/>.</summary>
public sealed class GattLocalCharacteristic
{
    private readonly GattDatabase _db;

    internal GattLocalCharacteristic(GattDatabase db, GattLocalService service, Guid uuid, GattCharacteristicProperties properties)
    {
        _db = db;
        Service = service;
        Uuid = uuid;
        Properties = properties;
    }

    public GattLocalService Service { get; }
    public Guid Uuid { get; }
    public GattCharacteristicProperties Properties { get; }
    public ushort ValueHandle => ValueAttribute.Handle;

    /// <summary>The CCCD's handle, or 0 when the characteristic neither notifies nor indicates.</summary>
    public ushort CccdHandle { get; internal set; }

    internal GattAttribute ValueAttribute { get; set; } = null!;

    /// <summary>The stored value (what reads return without a read handler).</summary>
    public ReadOnlyMemory<byte> Value
    {
        get => ValueAttribute.Value;
        set => ValueAttribute.Value = value;
    }

    /// <summary>Adds a descriptor (§3.3.3) after the value (and CCCD).</summary>
    public ushort AddDescriptor(Guid uuid, GattPermissions permissions, ReadOnlyMemory<byte> value = default, GattReadHandler? onRead = null,
        GattWriteHandler? onWrite = null)
    {
        _db.CheckLast(Service);
        if (Service.Characteristics.Count > 0 && !ReferenceEquals(Service.Characteristics[^1], this))
            throw new InvalidOperationException("add descriptors right after their characteristic");
        return _db.Add(new GattAttribute(uuid, permissions) { Value = value, OnRead = onRead, OnWrite = onWrite }).Handle;
    }
}
