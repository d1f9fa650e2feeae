namespace ShortRange.DBus;

/// <summary>Numbers from the D-Bus specification ("Message Format", "Valid Signatures", "Marshaling").</summary>
internal static class ProtocolConstants
{
    /// <summary>Maximum message length including header and body: 2^27 bytes.</summary>
    public const int MaxMessageLength = 1 << 27;
    /// <summary>Maximum array length in bytes: 2^26.</summary>
    public const int MaxArrayLength = 1 << 26;
    /// <summary>Maximum signature length.</summary>
    public const int MaxSignatureLength = 255;
    /// <summary>Maximum nesting of structs, of arrays, and of both plus variants together.</summary>
    public const int MaxStructDepth = 32;
    public const int MaxArrayDepth = 32;
    public const int MaxTotalDepth = 64;
    /// <summary>Maximum length of bus, interface, member and error names.</summary>
    public const int MaxNameLength = 255;
    /// <summary>Fixed header: endianness, type, flags, version, body length, serial, header-field array length.</summary>
    public const int FixedHeaderLength = 16;
    public const byte ProtocolVersion = 1;
    public const byte LittleEndianMark = (byte)'l';
    public const byte BigEndianMark = (byte)'B';

    // Header field codes ("Message Format", header fields table).
    public const byte HEADER_FIELD_PATH = 1;
    public const byte HEADER_FIELD_INTERFACE = 2;
    public const byte HEADER_FIELD_MEMBER = 3;
    public const byte HEADER_FIELD_ERROR_NAME = 4;
    public const byte HEADER_FIELD_REPLY_SERIAL = 5;
    public const byte HEADER_FIELD_DESTINATION = 6;
    public const byte HEADER_FIELD_SENDER = 7;
    public const byte HEADER_FIELD_SIGNATURE = 8;
    public const byte HEADER_FIELD_UNIX_FDS = 9;

    /// <summary>Alignment of a type code (specification, "Marshaling (Wire Format)").</summary>
    public static int GetAlignment(DBusType type) => type switch
    {
        DBusType.Byte or DBusType.Signature or DBusType.Variant => 1,
        DBusType.Int16 or DBusType.UInt16 => 2,
        DBusType.Bool or DBusType.Int32 or DBusType.UInt32 or DBusType.String or DBusType.ObjectPath or DBusType.Array or DBusType.UnixFd => 4,
        DBusType.Int64 or DBusType.UInt64 or DBusType.Double or DBusType.Struct or DBusType.DictEntry => 8,
        _ => 1,
    };

    public static int Align(int offset, int alignment) => (offset + alignment - 1) & ~(alignment - 1);
}
