namespace ShortRange.Nfc.Neard;

/// <summary>Bus name, interfaces and paths of neard's D-Bus API (neard doc/*-api.txt).</summary>
public static class NeardNames
{
    public const string Service = "org.neard";
    /// <summary>Object manager root (neard ≥ 0.10 uses org.freedesktop.DBus.ObjectManager here instead of Manager.AdapterAdded).</summary>
    public const string RootPath = "/";
    /// <summary>AgentManager object (doc/agent-api.txt).</summary>
    public const string AgentManagerPath = "/org/neard";
    public const string AgentManagerInterface = "org.neard.AgentManager";
    public const string ManagerInterface = "org.neard.Manager";
    public const string AdapterInterface = "org.neard.Adapter";
    public const string TagInterface = "org.neard.Tag";
    public const string DeviceInterface = "org.neard.Device";
    public const string RecordInterface = "org.neard.Record";
    public const string NdefAgentInterface = "org.neard.NDEFAgent";
    public const string HandoverAgentInterface = "org.neard.HandoverAgent";
    public const string ErrorPrefix = "org.neard.Error.";
    public const string HandoverAgentErrorPrefix = "org.neard.HandoverAgent.Error.";
}
