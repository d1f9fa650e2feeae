using System.Buffers.Binary;
using System.Text;

namespace ShortRange.DBus;

public ref partial struct MessageWriter
{
    /// <summary>Header of a METHOD_CALL ("Message Format"): PATH and MEMBER required, INTERFACE and DESTINATION optional.</summary>
    public void WriteMethodCallHeader(string? destination, string path, string? @interface, string member,
                                      string? signature = null, MessageFlags flags = MessageFlags.None)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(member);
        int fields = WriteFixedHeader(MessageType.MethodCall, flags);
        WriteHeaderObjectPath(ProtocolConstants.HEADER_FIELD_PATH, path);
        if (@interface is not null)
        {
            WriteHeaderString(ProtocolConstants.HEADER_FIELD_INTERFACE, @interface);
        }
        WriteHeaderString(ProtocolConstants.HEADER_FIELD_MEMBER, member);
        if (destination is not null)
        {
            WriteHeaderString(ProtocolConstants.HEADER_FIELD_DESTINATION, destination);
        }
        WriteHeaderSignature(signature);
        EndHeader(fields);
    }

    /// <summary>Header of a METHOD_RETURN to the call with serial <paramref name="replySerial"/> from <paramref name="destination"/>.</summary>
    public void WriteMethodReturnHeader(uint replySerial, ReadOnlySpan<byte> destination, string? signature = null)
    {
        int fields = WriteFixedHeader(MessageType.MethodReturn, MessageFlags.NoReplyExpected);
        WriteHeaderUInt32(ProtocolConstants.HEADER_FIELD_REPLY_SERIAL, replySerial);
        if (!destination.IsEmpty)
        {
            WriteHeaderString(ProtocolConstants.HEADER_FIELD_DESTINATION, destination);
        }
        WriteHeaderSignature(signature);
        EndHeader(fields);
    }

    public void WriteMethodReturnHeader(uint replySerial, string? destination, string? signature = null) =>
        WriteMethodReturnHeader(replySerial, destination is null ? default : Encoding.UTF8.GetBytes(destination), signature);

    /// <summary>A complete ERROR message (header and the message string as body).</summary>
    public void WriteError(uint replySerial, ReadOnlySpan<byte> destination, string errorName, string? errorMessage)
    {
        ArgumentNullException.ThrowIfNull(errorName);
        int fields = WriteFixedHeader(MessageType.Error, MessageFlags.NoReplyExpected);
        WriteHeaderString(ProtocolConstants.HEADER_FIELD_ERROR_NAME, errorName);
        WriteHeaderUInt32(ProtocolConstants.HEADER_FIELD_REPLY_SERIAL, replySerial);
        if (!destination.IsEmpty)
        {
            WriteHeaderString(ProtocolConstants.HEADER_FIELD_DESTINATION, destination);
        }
        WriteHeaderSignature(errorMessage is null ? null : "s");
        EndHeader(fields);
        if (errorMessage is not null)
        {
            WriteString(errorMessage);
        }
    }

    /// <summary>Header of a SIGNAL: PATH, INTERFACE and MEMBER required; DESTINATION for unicast signals.</summary>
    public void WriteSignalHeader(string? destination, string path, string @interface, string member, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(@interface);
        ArgumentNullException.ThrowIfNull(member);
        int fields = WriteFixedHeader(MessageType.Signal, MessageFlags.NoReplyExpected);
        WriteHeaderObjectPath(ProtocolConstants.HEADER_FIELD_PATH, path);
        WriteHeaderString(ProtocolConstants.HEADER_FIELD_INTERFACE, @interface);
        WriteHeaderString(ProtocolConstants.HEADER_FIELD_MEMBER, member);
        if (destination is not null)
        {
            WriteHeaderString(ProtocolConstants.HEADER_FIELD_DESTINATION, destination);
        }
        WriteHeaderSignature(signature);
        EndHeader(fields);
    }

    private int WriteFixedHeader(MessageType type, MessageFlags flags)
    {
        if (_offset != 0)
        {
            throw new InvalidOperationException("The header must be written first, once.");
        }
        Span<byte> span = GetSpan(ProtocolConstants.FixedHeaderLength);
        span[0] = ProtocolConstants.LittleEndianMark;
        span[1] = (byte)type;
        span[2] = (byte)flags;
        span[3] = ProtocolConstants.ProtocolVersion;
        span.Slice(4, 12).Clear(); // body length, serial (stamped when sent), header-field array length
        _offset = ProtocolConstants.FixedHeaderLength;
        return _offset;
    }

    private void EndHeader(int fieldsStart)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(12), (uint)(_offset - fieldsStart));
        Align(8);
        _bodyStart = _offset;
    }

    private void WriteHeaderString(byte code, string value)
    {
        WriteFieldPrefix(code, "s"u8);
        WriteString(value);
    }

    private void WriteHeaderString(byte code, ReadOnlySpan<byte> value)
    {
        WriteFieldPrefix(code, "s"u8);
        WriteString(value);
    }

    private void WriteHeaderObjectPath(byte code, string value)
    {
        WriteFieldPrefix(code, "o"u8);
        WriteObjectPath(value);
    }

    private void WriteHeaderUInt32(byte code, uint value)
    {
        WriteFieldPrefix(code, "u"u8);
        WriteUInt32(value);
    }

    private void WriteHeaderSignature(string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return;
        }
        WriteFieldPrefix(ProtocolConstants.HEADER_FIELD_SIGNATURE, "g"u8);
        WriteSignature(signature);
    }

    private void WriteFieldPrefix(byte code, ReadOnlySpan<byte> type)
    {
        Align(8);
        WriteByte(code);
        WriteSignatureUnchecked(type);
    }
}
