using System.Runtime.InteropServices;

namespace ShortRange.DBus;

public ref partial struct MessageWriter
{
    /// <summary>
    /// UNIX_FD: writes the index of <paramref name="handle"/> in the message's fd list; the fd travels as SCM_RIGHTS
    /// ancillary data. The handle is not owned by the message and must stay open until the message is sent.
    /// </summary>
    public void WriteHandle(SafeHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        _handles ??= new List<SafeHandle>();
        _handles.Add(handle);
        WriteUInt32((uint)(_handles.Count - 1));
    }
}
