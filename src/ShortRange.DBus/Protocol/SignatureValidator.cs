namespace ShortRange.DBus;

/// <summary>Validates type signatures ("Valid Signatures"): type codes, complete types, dict entries only as array
/// elements with a basic key, depth limits (32 struct, 32 array, 64 total), length ≤ 255.</summary>
public static class SignatureValidator
{
    /// <summary>True when <paramref name="signature"/> is a valid signature (a sequence of complete types).</summary>
    public static bool IsValid(ReadOnlySpan<byte> signature) => TryValidate(signature, out _);

    /// <summary>Throws <see cref="ProtocolException"/> when <paramref name="signature"/> is not valid.</summary>
    public static void Validate(ReadOnlySpan<byte> signature)
    {
        if (!TryValidate(signature, out string? error))
        {
            ThrowHelper.Protocol($"Invalid signature '{System.Text.Encoding.ASCII.GetString(signature)}': {error}");
        }
    }

    /// <summary>Validates and returns an error description when invalid.</summary>
    public static bool TryValidate(ReadOnlySpan<byte> signature, out string? error)
    {
        if (signature.Length > ProtocolConstants.MaxSignatureLength)
        {
            error = "longer than 255 bytes";
            return false;
        }
        int pos = 0;
        while (pos < signature.Length)
        {
            if (!TryCompleteType(signature, ref pos, 0, 0, out error))
            {
                return false;
            }
        }
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="signature"/> is exactly one complete type (as a variant requires).</summary>
    public static bool IsSingleCompleteType(ReadOnlySpan<byte> signature)
    {
        if (signature.Length == 0 || signature.Length > ProtocolConstants.MaxSignatureLength)
        {
            return false;
        }
        int pos = 0;
        return TryCompleteType(signature, ref pos, 0, 0, out _) && pos == signature.Length;
    }

    /// <summary>Length of the first complete type in <paramref name="signature"/> (assumed valid).</summary>
    public static int GetFirstTypeLength(ReadOnlySpan<byte> signature)
    {
        int pos = 0;
        if (!TryCompleteType(signature, ref pos, 0, 0, out string? error))
        {
            ThrowHelper.Protocol($"Invalid signature: {error}");
        }
        return pos;
    }

    internal static bool IsBasic(byte c) => c is (byte)'y' or (byte)'b' or (byte)'n' or (byte)'q' or (byte)'i' or (byte)'u'
        or (byte)'x' or (byte)'t' or (byte)'d' or (byte)'s' or (byte)'o' or (byte)'g' or (byte)'h';

    private static bool TryCompleteType(ReadOnlySpan<byte> sig, ref int pos, int structDepth, int arrayDepth, out string? error)
    {
        if (pos >= sig.Length)
        {
            error = "incomplete type";
            return false;
        }
        byte c = sig[pos];
        if (IsBasic(c) || c == (byte)'v')
        {
            pos++;
            error = null;
            return true;
        }
        if (c == (byte)'a')
        {
            if (arrayDepth + 1 > ProtocolConstants.MaxArrayDepth || structDepth + arrayDepth + 1 > ProtocolConstants.MaxTotalDepth)
            {
                error = "arrays nested deeper than 32";
                return false;
            }
            pos++;
            if (pos < sig.Length && sig[pos] == (byte)'{')
            {
                // DICT_ENTRY: only as an array element; key must be a basic type; exactly two fields.
                if (structDepth + 1 > ProtocolConstants.MaxStructDepth)
                {
                    error = "structs nested deeper than 32";
                    return false;
                }
                pos++;
                if (pos >= sig.Length || !IsBasic(sig[pos]))
                {
                    error = "dict entry key must be a basic type";
                    return false;
                }
                pos++;
                if (!TryCompleteType(sig, ref pos, structDepth + 1, arrayDepth + 1, out error))
                {
                    return false;
                }
                if (pos >= sig.Length || sig[pos] != (byte)'}')
                {
                    error = "dict entry must have exactly two fields";
                    return false;
                }
                pos++;
                return true;
            }
            return TryCompleteType(sig, ref pos, structDepth, arrayDepth + 1, out error);
        }
        if (c == (byte)'(')
        {
            if (structDepth + 1 > ProtocolConstants.MaxStructDepth || structDepth + arrayDepth + 1 > ProtocolConstants.MaxTotalDepth)
            {
                error = "structs nested deeper than 32";
                return false;
            }
            pos++;
            if (pos < sig.Length && sig[pos] == (byte)')')
            {
                error = "empty struct";
                return false;
            }
            while (true)
            {
                if (pos >= sig.Length)
                {
                    error = "unterminated struct";
                    return false;
                }
                if (sig[pos] == (byte)')')
                {
                    pos++;
                    error = null;
                    return true;
                }
                if (!TryCompleteType(sig, ref pos, structDepth + 1, arrayDepth, out error))
                {
                    return false;
                }
            }
        }
        error = c == (byte)'{' ? "dict entry outside an array" : $"unknown type code '{(char)c}'";
        return false;
    }
}
