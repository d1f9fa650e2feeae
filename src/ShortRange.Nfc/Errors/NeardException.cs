namespace ShortRange.Nfc.Errors;

/// <summary>
/// An error reply from neard (or its agent interfaces): <see cref="ErrorName"/> is the D-Bus error name, e.g.
/// "org.neard.Error.NotReady", "org.neard.Error.InvalidArguments", "org.neard.Error.PermissionDenied" (neard src/error.c).
/// </summary>
public class NeardException : NfcException
{
    public NeardException(string errorName, string? errorMessage, Exception? innerException = null)
        : base($"{errorName}: {errorMessage}", innerException)
    {
        ErrorName = errorName;
        ErrorMessage = errorMessage;
    }

    /// <summary>D-Bus error name.</summary>
    public string ErrorName { get; }

    /// <summary>The error's message text, if any.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The part after "org.neard.Error." (e.g. "NotReady"), or the full name for other errors.</summary>
    public string ShortName => ErrorName.StartsWith(Neard.NeardNames.ErrorPrefix, StringComparison.Ordinal) ? ErrorName[Neard.NeardNames.ErrorPrefix.Length..] : ErrorName;
}
