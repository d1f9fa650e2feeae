using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ShortRange.DBus;

/// <summary>
/// Marshals one message (always little-endian) into a pooled buffer: write a header
/// (<see cref="WriteMethodCallHeader"/> …), then the body values in signature order, then <see cref="CreateMessage"/>.
/// Lengths (body, arrays) are back-patched once known. Dispose returns the buffer if no message was created.
/// </summary>
public ref partial struct MessageWriter
{
    private const int InitialCapacity = 512;

    private byte[]? _buffer;
    private int _offset;
    private int _bodyStart;
    private List<SafeHandle>? _handles;

    /// <summary>Creates a writer over a pooled buffer.</summary>
    public MessageWriter()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
        _offset = 0;
        _bodyStart = -1;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _offset;

    /// <summary>The bytes written so far (tests, diagnostics).</summary>
    internal readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _offset);

    /// <summary>Finishes the message (patches the body length) and hands the buffer over.</summary>
    public MessageBuffer CreateMessage()
    {
        byte[] buffer = _buffer ?? throw new ObjectDisposedException(nameof(MessageWriter));
        if (_bodyStart < 0)
        {
            throw new InvalidOperationException("Write a header before creating the message.");
        }
        SafeHandle[]? handles = null;
        if (_handles is { Count: > 0 })
        {
            InsertUnixFdsField((uint)_handles.Count);
            buffer = _buffer!;
            handles = _handles.ToArray();
        }
        int bodyLength = _offset - _bodyStart;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), (uint)bodyLength);
        if (_offset > ProtocolConstants.MaxMessageLength)
        {
            Dispose();
            throw new ProtocolException($"Message of {_offset} bytes exceeds the 2^27 byte limit.");
        }
        var message = new MessageBuffer(buffer, _offset, handles);
        _buffer = null;
        return message;
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    // The UNIX_FDS header field is only known after the body; it is 8 bytes (struct of code, "u" signature, uint32)
    // and starts at the 8-aligned body start, so inserting it there and shifting the body by 8 keeps every alignment.
    private void InsertUnixFdsField(uint count)
    {
        EnsureCapacity(8);
        Span<byte> b = _buffer.AsSpan();
        b.Slice(_bodyStart, _offset - _bodyStart).CopyTo(b.Slice(_bodyStart + 8));
        b[_bodyStart] = ProtocolConstants.HEADER_FIELD_UNIX_FDS;
        b[_bodyStart + 1] = 1;
        b[_bodyStart + 2] = (byte)'u';
        b[_bodyStart + 3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(_bodyStart + 4), count);
        // The new array end is _bodyStart + 8; the array starts at offset 16.
        uint fieldsLength = (uint)(_bodyStart + 8 - ProtocolConstants.FixedHeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(b.Slice(12), fieldsLength);
        _bodyStart += 8;
        _offset += 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> GetSpan(int size)
    {
        if (_buffer is null || _offset + size > _buffer.Length)
        {
            Grow(size);
        }
        return _buffer.AsSpan(_offset, size);
    }

    private void EnsureCapacity(int size)
    {
        if (_buffer is null || _offset + size > _buffer.Length)
        {
            Grow(size);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int size)
    {
        byte[] old = _buffer ?? throw new ObjectDisposedException(nameof(MessageWriter));
        long needed = (long)_offset + size;
        if (needed > ProtocolConstants.MaxMessageLength)
        {
            throw new ProtocolException("Message exceeds the 2^27 byte limit.");
        }
        int newSize = (int)Math.Min(Math.Max(needed, (long)old.Length * 2), ProtocolConstants.MaxMessageLength);
        byte[] bigger = ArrayPool<byte>.Shared.Rent(newSize);
        old.AsSpan(0, _offset).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(old);
        _buffer = bigger;
    }

    /// <summary>Pads with zero bytes to <paramref name="alignment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Align(int alignment)
    {
        int aligned = ProtocolConstants.Align(_offset, alignment);
        int pad = aligned - _offset;
        if (pad > 0)
        {
            GetSpan(pad).Clear();
            _offset = aligned;
        }
    }
}
