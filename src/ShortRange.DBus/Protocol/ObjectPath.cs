using System.Text;

namespace ShortRange.DBus;

/// <summary>A D-Bus object path (type 'o'), validated on construction.</summary>
public readonly record struct ObjectPath
{
    private readonly string? _value;

    public ObjectPath(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!NameValidator.IsValidObjectPath(Encoding.UTF8.GetBytes(value)))
        {
            throw new ArgumentException($"'{value}' is not a valid D-Bus object path.", nameof(value));
        }
        _value = value;
    }

    /// <summary>The root path "/".</summary>
    public static ObjectPath Root => new("/");

    public string Value => _value ?? "/";

    public override string ToString() => Value;

    public static implicit operator string(ObjectPath path) => path.Value;

    public static explicit operator ObjectPath(string value) => new(value);

    public static ObjectPath FromString(string value) => new(value);
}
