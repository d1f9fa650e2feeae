using ShortRange.Nfc.Errors;
using Tmds.DBus.Protocol;

namespace ShortRange.Nfc.Neard;

/// <summary>Maps D-Bus error replies to <see cref="NeardException"/> (keeping the error name).</summary>
internal static class NeardErrors
{
    public static NeardException Map(DBusErrorReplyException e, string busAddress) => e.ErrorName switch
    {
        // The bus answers for neard when its name has no owner (neard stopped between calls).
        "org.freedesktop.DBus.Error.ServiceUnknown" or "org.freedesktop.DBus.Error.NameHasNoOwner" => new NeardNotRunningException(busAddress, e),
        _ => new NeardException(e.ErrorName, e.ErrorMessage ?? "", e),
    };

    public static async Task<T> Call<T>(Task<T> call, string busAddress)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e)
        {
            throw Map(e, busAddress);
        }
        catch (DBusConnectionException e)
        {
            throw new NeardNotRunningException(busAddress, e);
        }
    }

    public static async Task Call(Task call, string busAddress)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (DBusErrorReplyException e)
        {
            throw Map(e, busAddress);
        }
        catch (DBusConnectionException e)
        {
            throw new NeardNotRunningException(busAddress, e);
        }
    }
}
