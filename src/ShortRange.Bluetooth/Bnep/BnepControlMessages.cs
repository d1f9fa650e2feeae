namespace ShortRange.Bluetooth.Bnep;

/// <summary>A BNEP_CONTROL message (BNEP v1.0 §2.6); <see cref="BnepCodec"/> encodes and decodes them.</summary>
public abstract record BnepControlMessage(byte ControlType);

/// <summary>BNEP_CONTROL_COMMAND_NOT_UNDERSTOOD (§2.6.2): the peer did not understand <paramref name="UnknownControlType"/>.</summary>
public sealed record BnepCommandNotUnderstood(byte UnknownControlType)
    : BnepControlMessage(BnepConstants.BNEP_CONTROL_COMMAND_NOT_UNDERSTOOD);

/// <summary>
/// BNEP_SETUP_CONNECTION_REQUEST_MSG (§2.6.3.1). <paramref name="UuidSize"/> is 2, 4 or 16; for any other size the
/// services are null (the receiver answers "Invalid Service UUID Size").
/// </summary>
public sealed record BnepSetupConnectionRequest(byte UuidSize, Guid? DestinationService, Guid? SourceService)
    : BnepControlMessage(BnepConstants.BNEP_SETUP_CONNECTION_REQUEST_MSG)
{
    /// <summary>A request from <paramref name="source"/> to <paramref name="destination"/> with 16-bit UUIDs (what BlueZ sends).</summary>
    public static BnepSetupConnectionRequest ForRoles(BnepRole destination, BnepRole source, byte uuidSize = 2) =>
        new(uuidSize, BnepServiceUuid.Of(destination), BnepServiceUuid.Of(source));
}

/// <summary>BNEP_SETUP_CONNECTION_RESPONSE_MSG (§2.6.3.2).</summary>
public sealed record BnepSetupConnectionResponse(BnepSetupResponseCode Code)
    : BnepControlMessage(BnepConstants.BNEP_SETUP_CONNECTION_RESPONSE_MSG);

/// <summary>A networking protocol type range, inclusive (§2.6.4.1).</summary>
public readonly record struct BnepNetTypeRange(ushort Start, ushort End);

/// <summary>A multicast address range, inclusive; addresses as 48-bit values, first octet most significant (§2.6.5.1).</summary>
public readonly record struct BnepMulticastRange(ulong Start, ulong End);

/// <summary>BNEP_FILTER_NET_TYPE_SET_MSG (§2.6.4.1).</summary>
public sealed record BnepFilterNetTypeSet(IReadOnlyList<BnepNetTypeRange> Ranges)
    : BnepControlMessage(BnepConstants.BNEP_FILTER_NET_TYPE_SET_MSG);

/// <summary>BNEP_FILTER_NET_TYPE_RESPONSE_MSG (§2.6.4.2).</summary>
public sealed record BnepFilterNetTypeResponse(BnepFilterResponseCode Code)
    : BnepControlMessage(BnepConstants.BNEP_FILTER_NET_TYPE_RESPONSE_MSG);

/// <summary>BNEP_FILTER_MULTI_ADDR_SET_MSG (§2.6.5.1).</summary>
public sealed record BnepFilterMultiAddrSet(IReadOnlyList<BnepMulticastRange> Ranges)
    : BnepControlMessage(BnepConstants.BNEP_FILTER_MULTI_ADDR_SET_MSG);

/// <summary>BNEP_FILTER_MULTI_ADDR_RESPONSE_MSG (§2.6.5.2).</summary>
public sealed record BnepFilterMultiAddrResponse(BnepFilterResponseCode Code)
    : BnepControlMessage(BnepConstants.BNEP_FILTER_MULTI_ADDR_RESPONSE_MSG);

/// <summary>A control type this codec does not know (0x07-0xFF); answer it with <see cref="BnepCommandNotUnderstood"/>.</summary>
public sealed record BnepUnknownControl(byte Type) : BnepControlMessage(Type);
