namespace ShortRange.DBus;

/// <summary>Validity of object paths, interface/member/error names and bus names ("Valid Names").</summary>
public static class NameValidator
{
    /// <summary>Object path: '/' or '/'-separated non-empty elements of [A-Za-z0-9_], no trailing '/'.</summary>
    public static bool IsValidObjectPath(ReadOnlySpan<byte> path)
    {
        if (path.Length == 0 || path[0] != (byte)'/')
        {
            return false;
        }
        if (path.Length == 1)
        {
            return true;
        }
        bool previousSlash = true;
        for (int i = 1; i < path.Length; i++)
        {
            byte c = path[i];
            if (c == (byte)'/')
            {
                if (previousSlash)
                {
                    return false;
                }
                previousSlash = true;
            }
            else if (IsElementChar(c))
            {
                previousSlash = false;
            }
            else
            {
                return false;
            }
        }
        return !previousSlash;
    }

    /// <summary>Interface or error name: two or more '.'-separated elements, each [A-Za-z_][A-Za-z0-9_]*, ≤ 255 bytes.</summary>
    public static bool IsValidInterfaceName(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > ProtocolConstants.MaxNameLength)
        {
            return false;
        }
        int elements = 0;
        int start = 0;
        for (int i = 0; i <= name.Length; i++)
        {
            if (i == name.Length || name[i] == (byte)'.')
            {
                if (i == start || IsDigit(name[start]))
                {
                    return false;
                }
                elements++;
                start = i + 1;
            }
            else if (!IsElementChar(name[i]))
            {
                return false;
            }
        }
        return elements >= 2;
    }

    /// <summary>Member name: [A-Za-z_][A-Za-z0-9_]*, ≤ 255 bytes.</summary>
    public static bool IsValidMemberName(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > ProtocolConstants.MaxNameLength || IsDigit(name[0]))
        {
            return false;
        }
        foreach (byte c in name)
        {
            if (!IsElementChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Bus name: unique (":1.42") or well-known ("org.neard"), elements of [A-Za-z0-9_-], ≤ 255 bytes.</summary>
    public static bool IsValidBusName(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > ProtocolConstants.MaxNameLength)
        {
            return false;
        }
        bool unique = name[0] == (byte)':';
        int i = unique ? 1 : 0;
        int elements = 0;
        int start = i;
        for (; i <= name.Length; i++)
        {
            if (i == name.Length || name[i] == (byte)'.')
            {
                if (i == start || (!unique && IsDigit(name[start])))
                {
                    return false;
                }
                elements++;
                start = i + 1;
            }
            else if (!IsElementChar(name[i]) && name[i] != (byte)'-')
            {
                return false;
            }
        }
        return elements >= 2;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static bool IsElementChar(byte c) =>
        c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_';
}
