namespace ShortRange.Nfc.Tags;

/// <summary>Sends one command frame to a tag and returns its response (raw AF_NFC socket, or an emulator in tests).</summary>
public delegate ValueTask<ReadOnlyMemory<byte>> NfcTransceive(ReadOnlyMemory<byte> command, CancellationToken cancellationToken);
