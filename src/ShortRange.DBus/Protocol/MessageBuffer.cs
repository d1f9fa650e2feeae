using System.Buffers;
using System.Runtime.InteropServices;

namespace ShortRange.DBus;

/// <summary>
/// A marshalled message ready to send (from <see cref="MessageWriter.CreateMessage"/>). Its bytes live in a pooled
/// array; sending it (or <see cref="Dispose"/>) returns the array to the pool, so a buffer is sent at most once.
/// </summary>
public sealed class MessageBuffer : IDisposable
{
    private byte[]? _array;

    internal MessageBuffer(byte[] array, int length, SafeHandle[]? handles)
    {
        _array = array;
        Length = length;
        Handles = handles;
    }

    /// <summary>Total length in bytes.</summary>
    public int Length { get; }

    /// <summary>File descriptors to pass with the message (SCM_RIGHTS); not owned by the buffer.</summary>
    internal SafeHandle[]? Handles { get; }

    internal MessageType Type => (MessageType)Span[1];

    internal MessageFlags Flags => (MessageFlags)Span[2];

    internal Span<byte> Span => _array is null ? throw new ObjectDisposedException(nameof(MessageBuffer)) : _array.AsSpan(0, Length);

    internal ReadOnlyMemory<byte> Memory => _array is null ? throw new ObjectDisposedException(nameof(MessageBuffer)) : _array.AsMemory(0, Length);

    /// <summary>The serial, as stamped by the connection when sent.</summary>
    public uint Serial
    {
        get => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(Span.Slice(8));
        internal set => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(Span.Slice(8), value);
    }

    /// <summary>A copy of the bytes (for tests and diagnostics).</summary>
    public byte[] ToArray() => Span.ToArray();

    public void Dispose()
    {
        byte[]? array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
