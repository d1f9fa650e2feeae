namespace ShortRange.Gateway.Options;

/// <summary>Bad configuration found at start-up; <see cref="Failures"/> names each bad setting by its path.</summary>
public sealed class GatewayConfigurationException : Exception
{
    public GatewayConfigurationException() : this([]) { }
    public GatewayConfigurationException(string message) : this([message]) { }
    public GatewayConfigurationException(string message, Exception innerException) : base(message, innerException) => Failures = [message];

    public GatewayConfigurationException(IReadOnlyList<string> failures, Exception? innerException = null)
        : base(string.Join(Environment.NewLine, failures), innerException) => Failures = failures;

    public IReadOnlyList<string> Failures { get; } = [];
}
