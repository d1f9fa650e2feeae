using ShortRange.HwTests.Infrastructure;

namespace ShortRange.HwTests.LabTests;

/// <summary>The lab's kernel has the three socket families the SDK drives (socket() succeeds).</summary>
public sealed class KernelFamilyLabTests
{
    [Theory]
    [InlineData(Technology.Bluetooth)]
    [InlineData(Technology.Ieee802154)]
    [InlineData(Technology.Nfc)]
    public void SocketFamilyIsAvailable(Technology technology)
    {
        string? why = KernelStack.Probe(technology);
        LabRequire.That(why is null, $"This kernel has no {KernelStack.FamilyName(technology)} ({why}).");
    }
}
