namespace ShortRange.Bluetooth.Sdp;

/// <summary>A protocol in a ProtocolDescriptorList (§5.1.5): its UUID and parameters (e.g. L2CAP PSM, RFCOMM channel).</summary>
public sealed record SdpProtocolDescriptor(Guid Protocol, IReadOnlyList<SdpElement> Parameters);

/// <summary>A BluetoothProfileDescriptorList entry (§5.1.11): profile UUID and version (major.minor as 0xMMmm).</summary>
public sealed record SdpProfileDescriptor(Guid Profile, ushort Version);

/// <summary>
/// A service record: attribute ID → value (§2.2), with typed views of the common attributes. Typed getters return
/// null/empty when the attribute is absent and throw <see cref="SdpFormatException"/> when it is present but malformed.
/// </summary>
public sealed class SdpRecord
{
    private readonly SortedDictionary<ushort, SdpElement> _attributes;

    public SdpRecord(IEnumerable<KeyValuePair<ushort, SdpElement>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        _attributes = new(attributes.ToDictionary(a => a.Key, a => a.Value));
    }

    /// <summary>Attributes in ascending ID order.</summary>
    public IReadOnlyDictionary<ushort, SdpElement> Attributes => _attributes;

    public SdpElement? this[ushort id] => _attributes.GetValueOrDefault(id);

    /// <summary>ServiceRecordHandle (0x0000), or null.</summary>
    public uint? Handle => this[SdpAttributeId.ServiceRecordHandle] is { } e ? (uint)e.AsUInt64() : null;

    /// <summary>ServiceClassIDList (0x0001).</summary>
    public IReadOnlyList<Guid> ServiceClassIds => UuidList(SdpAttributeId.ServiceClassIDList);

    /// <summary>BrowseGroupList (0x0005).</summary>
    public IReadOnlyList<Guid> BrowseGroups => UuidList(SdpAttributeId.BrowseGroupList);

    /// <summary>ProtocolDescriptorList (0x0004), lowest layer first; the first alternative when it is a data element alternative.</summary>
    public IReadOnlyList<SdpProtocolDescriptor> ProtocolDescriptors
    {
        get
        {
            if (this[SdpAttributeId.ProtocolDescriptorList] is not { } e) return [];
            if (e.Type == SdpElementType.Alternative) e = e.Items.Count > 0 ? e.Items[0] : throw new SdpFormatException("empty ProtocolDescriptorList alternative");
            return ParseProtocols(e);
        }
    }

    /// <summary>BluetoothProfileDescriptorList (0x0009).</summary>
    public IReadOnlyList<SdpProfileDescriptor> ProfileDescriptors
    {
        get
        {
            if (this[SdpAttributeId.BluetoothProfileDescriptorList] is not { } e) return [];
            return [.. Sequence(e, "BluetoothProfileDescriptorList").Items.Select(p =>
            {
                var items = Sequence(p, "profile descriptor").Items;
                if (items.Count < 2) throw new SdpFormatException("profile descriptor needs a UUID and a version");
                return new SdpProfileDescriptor(items[0].AsUuid(), (ushort)items[1].AsUInt64());
            })];
        }
    }

    /// <summary>The L2CAP PSM in the protocol descriptor list, or null (L2CAP without a PSM parameter means the layer above is on a fixed PSM).</summary>
    public ushort? L2capPsm => Parameter(SdpUuid.L2CAP) is { } p ? (ushort)p.AsUInt64() : null;

    /// <summary>The RFCOMM server channel (1–30) in the protocol descriptor list, or null.</summary>
    public byte? RfcommChannel => Parameter(SdpUuid.RFCOMM) is { } p ? (byte)p.AsUInt64() : null;

    /// <summary>ServiceName at the primary language base (0x0100), or null.</summary>
    public string? ServiceName => Text((ushort)(SdpAttributeId.PrimaryLanguageBase + SdpAttributeId.ServiceNameOffset));

    /// <summary>ServiceDescription (0x0101), or null.</summary>
    public string? ServiceDescription => Text((ushort)(SdpAttributeId.PrimaryLanguageBase + SdpAttributeId.ServiceDescriptionOffset));

    /// <summary>ProviderName (0x0102), or null.</summary>
    public string? ProviderName => Text((ushort)(SdpAttributeId.PrimaryLanguageBase + SdpAttributeId.ProviderNameOffset));

    private string? Text(ushort id) => this[id]?.AsText();

    private SdpElement? Parameter(ushort protocol)
    {
        var uuid = SdpUuid.FromShort(protocol);
        foreach (var p in ProtocolDescriptors)
            if (p.Protocol == uuid) return p.Parameters.Count > 0 ? p.Parameters[0] : null;
        return null;
    }

    private static List<SdpProtocolDescriptor> ParseProtocols(SdpElement list) =>
        [.. Sequence(list, "ProtocolDescriptorList").Items.Select(d =>
        {
            var items = Sequence(d, "protocol descriptor").Items;
            if (items.Count == 0) throw new SdpFormatException("empty protocol descriptor");
            return new SdpProtocolDescriptor(items[0].AsUuid(), [.. items.Skip(1)]);
        })];

    private List<Guid> UuidList(ushort id) =>
        this[id] is { } e ? [.. Sequence(e, $"attribute 0x{id:X4}").Items.Select(i => i.AsUuid())] : [];

    private static SdpElement Sequence(SdpElement e, string what) =>
        e.Type == SdpElementType.Sequence ? e : throw new SdpFormatException($"{what} must be a sequence, got {e.Type}");

    /// <summary>Parses an attribute list: a sequence of (uint16 ID, value) pairs in ascending ID order (§4.6.2).</summary>
    public static SdpRecord FromAttributeList(SdpElement list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var items = Sequence(list, "AttributeList").Items;
        if (items.Count % 2 != 0) throw new SdpFormatException("AttributeList holds an ID without a value");
        var attrs = new Dictionary<ushort, SdpElement>(items.Count / 2);
        for (int i = 0; i < items.Count; i += 2)
        {
            if (items[i].Type != SdpElementType.UnsignedInteger || items[i].Value.Length != 2)
                throw new SdpFormatException($"attribute ID must be uint16, got {items[i]}");
            if (!attrs.TryAdd((ushort)items[i].AsUInt64(), items[i + 1]))
                throw new SdpFormatException($"attribute 0x{items[i].AsUInt64():X4} appears twice");
        }
        return new SdpRecord(attrs);
    }

    /// <summary>The attribute list element for the attributes within <paramref name="ranges"/>, ascending by ID.</summary>
    public SdpElement ToAttributeList(IReadOnlyList<SdpAttributeRange>? ranges = null) =>
        SdpElement.Sequence(_attributes.Where(a => ranges is null || ranges.Any(r => r.Contains(a.Key)))
            .SelectMany(a => new[] { SdpElement.UInt16(a.Key), a.Value }));

    /// <summary>True when any attribute value contains <paramref name="uuid"/> at any depth (the search rule of §2.5.2).</summary>
    public bool Contains(Guid uuid) => _attributes.Values.Any(v => ContainsUuid(v, uuid));

    private static bool ContainsUuid(SdpElement e, Guid uuid) =>
        e.Type == SdpElementType.Uuid ? e.AsUuid() == uuid : e.IsContainer && e.Items.Any(i => ContainsUuid(i, uuid));
}
