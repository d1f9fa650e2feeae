namespace ShortRange.DBus;

/// <summary>An incoming method call being handled: the request, its sender, and ways to reply once.</summary>
public sealed class MethodContext
{
    internal MethodContext(Connection connection, Message request)
    {
        Connection = connection;
        Request = request;
    }

    public Connection Connection { get; }

    /// <summary>The call; valid until the handler completes.</summary>
    public Message Request { get; }

    /// <summary>Unique bus name of the caller (set by the bus daemon; use it to accept calls only from a known owner).</summary>
    public string? Sender => Request.SenderAsString;

    public bool NoReplyExpected => (Request.Flags & MessageFlags.NoReplyExpected) != 0;

    public bool ReplySent { get; private set; }

    /// <summary>A writer with the METHOD_RETURN header written; add the reply values, then <see cref="Reply"/>.</summary>
    public MessageWriter CreateReplyWriter(string? signature)
    {
        var writer = Connection.GetMessageWriter();
        writer.WriteMethodReturnHeader(Request.Serial, Request.Sender, signature);
        return writer;
    }

    /// <summary>Sends the reply (ignored if the caller asked for none; at most one reply).</summary>
    public void Reply(MessageBuffer message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (ReplySent)
        {
            message.Dispose();
            throw new InvalidOperationException("A reply was already sent.");
        }
        ReplySent = true;
        if (NoReplyExpected)
        {
            message.Dispose();
            return;
        }
        Connection.TrySendMessage(message);
    }

    /// <summary>Replies with an empty METHOD_RETURN.</summary>
    public void ReplyEmpty()
    {
        using MessageWriter w = CreateReplyWriter(null);
        Reply(w.CreateMessage());
    }

    /// <summary>Replies with an ERROR.</summary>
    public void ReplyError(string errorName, string? errorMessage = null)
    {
        using MessageWriter w = Connection.GetMessageWriter();
        w.WriteError(Request.Serial, Request.Sender, errorName, errorMessage);
        Reply(w.CreateMessage());
    }

    public void ReplyUnknownMethod() =>
        ReplyError("org.freedesktop.DBus.Error.UnknownMethod",
            $"Method \"{Request.MemberAsString}\" with signature \"{Request.SignatureAsString}\" on interface \"{Request.InterfaceAsString}\" doesn't exist");
}
