using System.Text;

namespace ShortRange.DBus;

/// <summary>A D-Bus type signature (type 'g'), validated on construction.</summary>
public readonly record struct Signature
{
    private readonly string? _value;

    public Signature(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!SignatureValidator.TryValidate(Encoding.ASCII.GetBytes(value), out string? error))
        {
            throw new ArgumentException($"'{value}' is not a valid D-Bus signature: {error}.", nameof(value));
        }
        _value = value;
    }

    public string Value => _value ?? "";

    public override string ToString() => Value;

    public static implicit operator string(Signature signature) => signature.Value;

    public static explicit operator Signature(string value) => new(value);

    public static Signature FromString(string value) => new(value);
}
