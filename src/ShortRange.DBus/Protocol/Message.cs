using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ShortRange.DBus;

/// <summary>
/// A received message: validated header fields (as UTF-8 spans, with cached string forms) and a body
/// <see cref="GetBodyReader"/>. A message is valid only during the callback it is passed to; its bytes return
/// to a pool afterwards, so copy out what you need.
/// </summary>
public sealed class Message : IDisposable
{
    private byte[]? _buffer;
    private readonly int _start;
    private readonly int _length;
    private readonly bool _pooled;
    private (int Start, int Length) _path, _interface, _member, _errorName, _destination, _sender, _signature;
    private StringCache? _strings; // allocated on the first *AsString access only
    private SafeFileHandle[]? _fds;

    private sealed class StringCache
    {
        public string? Sender, Path, Member, Interface, ErrorName, Destination;
    }

    private Message(byte[] buffer, int start, int length, bool pooled)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
        _pooled = pooled;
    }

    public MessageType Type { get; private set; }
    public MessageFlags Flags { get; private set; }
    public uint Serial { get; private set; }
    /// <summary>REPLY_SERIAL (0 when absent).</summary>
    public uint ReplySerial { get; private set; }
    /// <summary>UNIX_FDS (0 when absent).</summary>
    public int UnixFdCount { get; private set; }
    public bool IsBigEndian { get; private set; }
    /// <summary>Offset of the body from the message start.</summary>
    public int BodyOffset { get; private set; }
    public int BodyLength => _length - BodyOffset;

    private ReadOnlySpan<byte> Data => (_buffer ?? throw new ObjectDisposedException(nameof(Message))).AsSpan(_start, _length);

    private StringCache Strings => _strings ??= new StringCache();

    public ReadOnlySpan<byte> Path => Field(_path);
    public ReadOnlySpan<byte> Interface => Field(_interface);
    public ReadOnlySpan<byte> Member => Field(_member);
    public ReadOnlySpan<byte> ErrorName => Field(_errorName);
    public ReadOnlySpan<byte> Destination => Field(_destination);
    public ReadOnlySpan<byte> Sender => Field(_sender);
    public ReadOnlySpan<byte> Signature => Field(_signature);

    public string? PathAsString => _path.Start == 0 ? null : Strings.Path ??= Encoding.UTF8.GetString(Path);
    public string? InterfaceAsString => _interface.Start == 0 ? null : Strings.Interface ??= Encoding.UTF8.GetString(Interface);
    public string? MemberAsString => _member.Start == 0 ? null : Strings.Member ??= Encoding.UTF8.GetString(Member);
    public string? ErrorNameAsString => _errorName.Start == 0 ? null : Strings.ErrorName ??= Encoding.UTF8.GetString(ErrorName);
    public string? DestinationAsString => _destination.Start == 0 ? null : Strings.Destination ??= Encoding.UTF8.GetString(Destination);
    /// <summary>The sender's unique name (set by the bus daemon, so it cannot be forged by peers).</summary>
    public string? SenderAsString => _sender.Start == 0 ? null : Strings.Sender ??= Encoding.UTF8.GetString(Sender);
    public string SignatureAsString => Encoding.ASCII.GetString(Signature);

    /// <summary>File descriptors received with the message (index = value of an 'h' argument). Owned by the message
    /// and closed on dispose unless taken with <see cref="TakeUnixFd"/>.</summary>
    public IReadOnlyList<SafeFileHandle> UnixFds => _fds ?? [];

    /// <summary>Takes ownership of fd <paramref name="index"/> (it will not be closed with the message).</summary>
    public SafeFileHandle TakeUnixFd(int index)
    {
        if (_fds is null || (uint)index >= (uint)_fds.Length)
        {
            throw new ProtocolException($"Unix fd index {index} is out of range ({_fds?.Length ?? 0} fds received).");
        }
        SafeFileHandle handle = _fds[index];
        var replacement = new SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false);
        _fds[index] = replacement;
        return handle;
    }

    /// <summary>A reader positioned at the start of the body.</summary>
    public Reader GetBodyReader() => new(Data, IsBigEndian, BodyOffset);

    private ReadOnlySpan<byte> Field((int Start, int Length) f) => f.Start == 0 ? default : Data.Slice(f.Start, f.Length);

    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null && _pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (_fds is not null)
        {
            foreach (SafeFileHandle fd in _fds)
            {
                fd.Dispose();
            }
            _fds = null;
        }
    }

    internal void AttachFds(SafeFileHandle[] fds) => _fds = fds;

    /// <summary>
    /// Total length of the message whose first 16 bytes are <paramref name="fixedHeader"/>, validated against
    /// the limits before any buffer is sized from it.
    /// </summary>
    public static int GetTotalLength(ReadOnlySpan<byte> fixedHeader)
    {
        if (fixedHeader.Length < ProtocolConstants.FixedHeaderLength)
        {
            ThrowHelper.Truncated();
        }
        bool bigEndian = fixedHeader[0] switch
        {
            ProtocolConstants.LittleEndianMark => false,
            ProtocolConstants.BigEndianMark => true,
            _ => ThrowHelper.Protocol<bool>($"Invalid endianness mark 0x{fixedHeader[0]:x2}."),
        };
        if (fixedHeader[3] != ProtocolConstants.ProtocolVersion)
        {
            ThrowHelper.Protocol($"Unsupported protocol version {fixedHeader[3]}.");
        }
        uint bodyLength = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(fixedHeader.Slice(4)) : BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.Slice(4));
        uint fieldsLength = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(fixedHeader.Slice(12)) : BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader.Slice(12));
        if (fieldsLength > ProtocolConstants.MaxArrayLength)
        {
            ThrowHelper.Protocol($"Header field array of {fieldsLength} bytes exceeds the 2^26 limit.");
        }
        if (bodyLength > ProtocolConstants.MaxMessageLength)
        {
            ThrowHelper.Protocol($"Body of {bodyLength} bytes exceeds the 2^27 message limit.");
        }
        long total = ProtocolConstants.Align(ProtocolConstants.FixedHeaderLength + (int)fieldsLength, 8) + (long)bodyLength;
        if (total > ProtocolConstants.MaxMessageLength)
        {
            ThrowHelper.Protocol($"Message of {total} bytes exceeds the 2^27 limit.");
        }
        return (int)total;
    }

    /// <summary>Parses and validates a complete message held in a pooled <paramref name="buffer"/> (taken over:
    /// returned to the pool on dispose, or on failure).</summary>
    internal static Message Parse(byte[] buffer, int length) => Parse(buffer, 0, length, pooled: true);

    /// <summary>
    /// Parses the message at buffer[start..start+length]. <paramref name="pooled"/>: the buffer is taken over
    /// (returned to the pool on dispose or failure); otherwise it is borrowed (the receive buffer) and the message
    /// must be disposed before the buffer is reused.
    /// </summary>
    internal static Message Parse(byte[] buffer, int start, int length, bool pooled)
    {
        var message = new Message(buffer, start, length, pooled);
        try
        {
            message.ParseHeader();
            return message;
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    /// <summary>Parses a copy of <paramref name="bytes"/> (tests, tools).</summary>
    public static Message Parse(ReadOnlySpan<byte> bytes)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 1));
        bytes.CopyTo(buffer);
        return Parse(buffer, bytes.Length);
    }

    private void ParseHeader()
    {
        ReadOnlySpan<byte> data = Data;
        int total = GetTotalLength(data);
        if (total != data.Length)
        {
            ThrowHelper.Protocol($"Message length {data.Length} does not match its header ({total}).");
        }
        IsBigEndian = data[0] == ProtocolConstants.BigEndianMark;
        Type = (MessageType)data[1];
        Flags = (MessageFlags)data[2];
        var reader = new Reader(data, IsBigEndian, 4);
        uint bodyLength = reader.ReadUInt32();
        Serial = reader.ReadUInt32();
        if (Serial == 0)
        {
            ThrowHelper.Protocol("Serial 0 is not allowed.");
        }
        ArrayEnd end = reader.ReadArrayStart(DBusType.Struct);
        while (reader.HasNext(end))
        {
            reader.AlignStruct();
            byte code = reader.ReadByte();
            ReadOnlySpan<byte> sig = reader.ReadSignatureAsSpan();
            if (!SignatureValidator.IsSingleCompleteType(sig))
            {
                ThrowHelper.Protocol("Header field variant signature is not a single complete type.");
            }
            switch (code)
            {
                case ProtocolConstants.HEADER_FIELD_PATH:
                    Expect(sig, 'o', "PATH");
                    _path = SpanField(ref reader, objectPath: true);
                    break;
                case ProtocolConstants.HEADER_FIELD_INTERFACE:
                    Expect(sig, 's', "INTERFACE");
                    _interface = SpanField(ref reader);
                    if (!NameValidator.IsValidInterfaceName(Field(_interface)))
                    {
                        ThrowHelper.Protocol("Invalid INTERFACE header field.");
                    }
                    break;
                case ProtocolConstants.HEADER_FIELD_MEMBER:
                    Expect(sig, 's', "MEMBER");
                    _member = SpanField(ref reader);
                    if (!NameValidator.IsValidMemberName(Field(_member)))
                    {
                        ThrowHelper.Protocol("Invalid MEMBER header field.");
                    }
                    break;
                case ProtocolConstants.HEADER_FIELD_ERROR_NAME:
                    Expect(sig, 's', "ERROR_NAME");
                    _errorName = SpanField(ref reader);
                    if (!NameValidator.IsValidInterfaceName(Field(_errorName)))
                    {
                        ThrowHelper.Protocol("Invalid ERROR_NAME header field.");
                    }
                    break;
                case ProtocolConstants.HEADER_FIELD_REPLY_SERIAL:
                    Expect(sig, 'u', "REPLY_SERIAL");
                    ReplySerial = reader.ReadUInt32();
                    if (ReplySerial == 0)
                    {
                        ThrowHelper.Protocol("REPLY_SERIAL 0 is not allowed.");
                    }
                    break;
                case ProtocolConstants.HEADER_FIELD_DESTINATION:
                    Expect(sig, 's', "DESTINATION");
                    _destination = SpanField(ref reader);
                    if (!NameValidator.IsValidBusName(Field(_destination)))
                    {
                        ThrowHelper.Protocol("Invalid DESTINATION header field.");
                    }
                    break;
                case ProtocolConstants.HEADER_FIELD_SENDER:
                    Expect(sig, 's', "SENDER");
                    _sender = SpanField(ref reader);
                    if (!NameValidator.IsValidBusName(Field(_sender)))
                    {
                        ThrowHelper.Protocol("Invalid SENDER header field.");
                    }
                    break;
                case ProtocolConstants.HEADER_FIELD_SIGNATURE:
                    Expect(sig, 'g', "SIGNATURE");
                    {
                        ReadOnlySpan<byte> bodySig = reader.ReadSignatureAsSpan();
                        _signature = (reader.Offset - 1 - bodySig.Length, bodySig.Length);
                    }
                    break;
                case ProtocolConstants.HEADER_FIELD_UNIX_FDS:
                    Expect(sig, 'u', "UNIX_FDS");
                    uint fds = reader.ReadUInt32();
                    if (fds > 253)
                    {
                        // Linux caps SCM_RIGHTS at 253 fds per message (SCM_MAX_FD).
                        ThrowHelper.Protocol($"UNIX_FDS {fds} is more than can be passed.");
                    }
                    UnixFdCount = (int)fds;
                    break;
                default:
                    // Unknown header fields must be accepted and ignored ("Message Format").
                    reader.ReadValue(Encoding.ASCII.GetString(sig));
                    break;
            }
        }
        BodyOffset = ProtocolConstants.Align(reader.Offset, 8);
        if (BodyOffset + (long)bodyLength != data.Length)
        {
            ThrowHelper.Protocol("Body length does not match the message length.");
        }
        if (data.Slice(reader.Offset, BodyOffset - reader.Offset).ContainsAnyExcept((byte)0))
        {
            ThrowHelper.Protocol("Non-zero padding after the header.");
        }
        if (_signature.Start == 0 && bodyLength != 0)
        {
            ThrowHelper.Protocol("A message with a body must have a SIGNATURE header field.");
        }
        switch (Type)
        {
            case MessageType.MethodCall when _path.Start == 0 || _member.Start == 0:
                ThrowHelper.Protocol("METHOD_CALL lacks PATH or MEMBER.");
                break;
            case MessageType.Signal when _path.Start == 0 || _member.Start == 0 || _interface.Start == 0:
                ThrowHelper.Protocol("SIGNAL lacks PATH, INTERFACE or MEMBER.");
                break;
            case MessageType.MethodReturn when ReplySerial == 0:
                ThrowHelper.Protocol("METHOD_RETURN lacks REPLY_SERIAL.");
                break;
            case MessageType.Error when ReplySerial == 0 || _errorName.Start == 0:
                ThrowHelper.Protocol("ERROR lacks REPLY_SERIAL or ERROR_NAME.");
                break;
        }
    }

    private static void Expect(ReadOnlySpan<byte> sig, char type, string field)
    {
        if (sig.Length != 1 || sig[0] != (byte)type)
        {
            ThrowHelper.Protocol($"Header field {field} must have type '{type}'.");
        }
    }

    // Offset and length of a string field inside the message. Start 0 means "absent": a string always follows its
    // 4-byte length after the 16-byte fixed header, so a present (even empty) field never starts at 0.
    private static (int, int) SpanField(ref Reader reader, bool objectPath = false)
    {
        ReadOnlySpan<byte> value = objectPath ? reader.ReadObjectPathAsSpan() : reader.ReadStringAsSpan();
        return (reader.Offset - 1 - value.Length, value.Length);
    }

    /// <summary>The error's message argument when the body starts with a string.</summary>
    internal string? ReadErrorMessage()
    {
        if (Signature.Length > 0 && Signature[0] == (byte)'s')
        {
            Reader reader = GetBodyReader();
            return reader.ReadString();
        }
        return null;
    }

    public override string ToString() =>
        $"{Type} serial={Serial} reply={ReplySerial} path={PathAsString} interface={InterfaceAsString} member={MemberAsString} error={ErrorNameAsString} sender={SenderAsString} destination={DestinationAsString} signature={SignatureAsString}";
}
