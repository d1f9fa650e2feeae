using System.Text;

namespace ShortRange.DBus;

/// <summary>
/// A match rule ("Match Rules" in the specification) for AddMatch/RemoveMatch, also applied locally to route
/// incoming signals to subscribers. A well-known <see cref="Sender"/> is enforced by the bus only; locally only
/// unique names and the bus's own name are compared (signals carry the sender's unique name).
/// </summary>
public sealed class MatchRule
{
    public MessageType Type { get; set; } = MessageType.Signal;
    public string? Sender { get; set; }
    public string? Interface { get; set; }
    public string? Member { get; set; }
    public string? Path { get; set; }
    /// <summary>path_namespace: the path itself or anything below it.</summary>
    public string? PathNamespace { get; set; }
    public string? Destination { get; set; }
    /// <summary>arg0: the first argument, when it is a string, must equal this.</summary>
    public string? Arg0 { get; set; }

    /// <summary>The rule string sent to the bus, values quoted (a quote inside a value written as '\'').</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb, "type", Type switch
        {
            MessageType.MethodCall => "method_call",
            MessageType.MethodReturn => "method_return",
            MessageType.Error => "error",
            MessageType.Signal => "signal",
            _ => null,
        });
        Append(sb, "sender", Sender);
        Append(sb, "interface", Interface);
        Append(sb, "member", Member);
        Append(sb, "path", Path);
        Append(sb, "path_namespace", PathNamespace);
        Append(sb, "destination", Destination);
        Append(sb, "arg0", Arg0);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string key, string? value)
    {
        if (value is null)
        {
            return;
        }
        if (sb.Length > 0)
        {
            sb.Append(',');
        }
        sb.Append(key).Append("='").Append(value.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'');
    }

    /// <summary>True when <paramref name="message"/> satisfies this rule (see the class remarks on Sender).</summary>
    public bool Matches(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Type != MessageType.Invalid && message.Type != Type)
        {
            return false;
        }
        if (Interface is not null && !Equal(message.Interface, Interface))
        {
            return false;
        }
        if (Member is not null && !Equal(message.Member, Member))
        {
            return false;
        }
        if (Path is not null && !Equal(message.Path, Path))
        {
            return false;
        }
        if (PathNamespace is not null && !InNamespace(message.PathAsString, PathNamespace))
        {
            return false;
        }
        if (Sender is not null && (Sender.StartsWith(':') || Sender == "org.freedesktop.DBus") && !Equal(message.Sender, Sender))
        {
            return false;
        }
        if (Arg0 is not null)
        {
            if (message.Signature.Length == 0 || message.Signature[0] != (byte)'s')
            {
                return false;
            }
            Reader reader = message.GetBodyReader();
            if (!Equal(reader.ReadStringAsSpan(), Arg0))
            {
                return false;
            }
        }
        return true;
    }

    private static bool InNamespace(string? path, string ns) =>
        path is not null && (ns == "/" || path == ns || path.StartsWith(ns + "/", StringComparison.Ordinal));

    private static bool Equal(ReadOnlySpan<byte> utf8, string value)
    {
        if (utf8.Length != Encoding.UTF8.GetByteCount(value))
        {
            return false;
        }
        Span<byte> buffer = utf8.Length <= 256 ? stackalloc byte[utf8.Length] : new byte[utf8.Length];
        Encoding.UTF8.GetBytes(value, buffer);
        return utf8.SequenceEqual(buffer);
    }
}
