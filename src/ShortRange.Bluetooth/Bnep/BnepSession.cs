using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace ShortRange.Bluetooth.Bnep;

/// <summary>Hands a set-up channel to the kernel (BNEPCONNADD), waits for bnepN's link event, attaches and raises it.</summary>
internal static class BnepSession
{
    public static async Task<BnepConnection> EstablishAsync(IBnepChannel channel, IBnepKernel kernel, IPanNetwork network, bool ownsKernelAndNetwork,
        uint flags, BnepRole local, BnepRole remote, int? bridgeIndex, string? bridgeName, PanOptions options, ILogger? logger,
        CancellationToken cancellationToken)
    {
        // Subscribe before BNEPCONNADD: register_netdev() announces the link before the ioctl returns the name.
        using var seen = new ReplaySubject<BnepLinkEvent>(TimeSpan.FromMinutes(2));
        using var subscription = network.LinkEvents.Subscribe(seen);
        string name = kernel.AddConnection(channel.Handle, flags, local, options.InterfaceName);
        ulong peer = 0;
        try
        {
            peer = kernel.GetConnections().FirstOrDefault(c => c.InterfaceName == name)?.Peer
                ?? throw new BnepException($"BNEPCONNADD created {name} but the kernel does not list its session");
            int index;
            try
            {
                index = (await seen.FirstAsync(e => !e.Removed && e.Name == name).Timeout(options.InterfaceTimeout)
                    .ToTask(cancellationToken).ConfigureAwait(false)).Index;
            }
            catch (TimeoutException)
            {
                throw new BnepException($"{name}: no RTM_NEWLINK within {options.InterfaceTimeout}", Linux.Sockets.Errno.ETIMEDOUT);
            }
            if (bridgeIndex is int master) await network.SetMasterAsync(index, master, cancellationToken).ConfigureAwait(false);
            await network.SetUpAsync(index, cancellationToken).ConfigureAwait(false);
            logger?.LogInformation("BNEP {Interface} up: {Local} -> {Remote} peer {Peer:X12}{Bridge}", name, local, remote, peer,
                bridgeName is null ? "" : " on bridge " + bridgeName);
            return new BnepConnection(channel, kernel, network, ownsKernelAndNetwork, name, index, local, remote, peer, bridgeName,
                options.InterfaceTimeout, logger);
        }
        catch
        {
            if (peer != 0) kernel.DeleteConnection(peer);
            throw;
        }
    }
}
