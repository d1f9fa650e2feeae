namespace ShortRange.DBus;

/// <summary>RequestName flags ("org.freedesktop.DBus.RequestName").</summary>
[Flags]
public enum RequestNameFlags : uint
{
    None = 0,
    /// <summary>DBUS_NAME_FLAG_ALLOW_REPLACEMENT.</summary>
    AllowReplacement = 0x1,
    /// <summary>DBUS_NAME_FLAG_REPLACE_EXISTING.</summary>
    ReplaceExisting = 0x2,
    /// <summary>DBUS_NAME_FLAG_DO_NOT_QUEUE.</summary>
    DoNotQueue = 0x4,
}

/// <summary>RequestName reply codes.</summary>
public enum RequestNameReply : uint
{
    /// <summary>DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER.</summary>
    PrimaryOwner = 1,
    /// <summary>DBUS_REQUEST_NAME_REPLY_IN_QUEUE.</summary>
    InQueue = 2,
    /// <summary>DBUS_REQUEST_NAME_REPLY_EXISTS.</summary>
    Exists = 3,
    /// <summary>DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER.</summary>
    AlreadyOwner = 4,
}

/// <summary>ReleaseName reply codes.</summary>
public enum ReleaseNameReply : uint
{
    /// <summary>DBUS_RELEASE_NAME_REPLY_RELEASED.</summary>
    Released = 1,
    /// <summary>DBUS_RELEASE_NAME_REPLY_NON_EXISTENT.</summary>
    NonExistent = 2,
    /// <summary>DBUS_RELEASE_NAME_REPLY_NOT_OWNER.</summary>
    NotOwner = 3,
}

/// <summary>A NameOwnerChanged signal: empty owners are reported as null.</summary>
public sealed record NameOwnerChange(string Name, string? OldOwner, string? NewOwner);
