namespace ShortRange.DBus;

/// <summary>Reads a value out of a reply or signal; runs on the receive loop while the message is valid.</summary>
public delegate T MessageValueReader<out T>(Message message, object? state);
