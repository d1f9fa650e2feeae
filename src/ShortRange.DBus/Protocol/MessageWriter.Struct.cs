namespace ShortRange.DBus;

public ref partial struct MessageWriter
{
    /// <summary>Starts a STRUCT (8-byte aligned); then write its fields in order. Structs need no end marker on the wire.</summary>
    public void WriteStructureStart() => Align(8);
}
