namespace ShortRange.Nfc.Errors;

/// <summary>
/// neard sent an object whose property has another D-Bus type than its API text gives (doc/adapter-api.txt,
/// doc/tag-api.txt, doc/device-api.txt), e.g. Powered as a string. <see cref="Path"/> names the object.
/// </summary>
public sealed class NeardFormatException : NfcException
{
    public NeardFormatException(string path, string message, Exception? innerException = null)
        : base($"neard object {path}: {message}", innerException)
    {
        Path = path;
    }

    /// <summary>Object path of the offending object.</summary>
    public string Path { get; }
}
