using System.Reactive.Subjects;
using ShortRange.Linux.Netlink;
using ShortRange.Linux.Sockets;
using ShortRange.Nfc.Netlink;

namespace ShortRange.Nfc.Tests.Netlink;

/// <summary>
/// The re-poll logic of <see cref="NfcDepLinker"/> against a scripted device: a found target answers ATR_REQ only on
/// the attempts the script says, as a target whose listen window closed before DEP_LINK_UP does not.
/// (The lab proves the same against nfcsim: NfcNetlinkHwTests.)
/// </summary>
public sealed class NfcDepLinkerTests
{
    private const uint Device = 0;

    private sealed class ScriptedDevice(Func<int, bool> answersAtrOnPoll, int busyPolls = 0) : INfcDepLinkOperations
    {
        private readonly Subject<NfcEvent> _events = new();
        public int Polls, Stops, BusyLeft = busyPolls;
        public readonly List<uint?> LinkUpTargets = [];

        public IObservable<NfcEvent> Events => _events;

        public Task StartPollAsync(uint deviceIndex, NfcProtocols initiatorProtocols, NfcProtocols targetProtocols, CancellationToken cancellationToken = default)
        {
            if (BusyLeft > 0)
            {
                BusyLeft--;
                throw new NetlinkException("start poll", Errno.EBUSY, null);
            }
            Polls++;
            // The kernel reports a find asynchronously, after the request's ACK.
            _ = Task.Run(() => _events.OnNext(new NfcTargetsFoundEvent(deviceIndex)), cancellationToken);
            return Task.CompletedTask;
        }

        public Task StopPollAsync(uint deviceIndex, CancellationToken cancellationToken = default)
        {
            Stops++;
            return Task.CompletedTask;
        }

        // Every poll finds the peer again under a new target index, as the kernel numbers targets per poll.
        public Task<IReadOnlyList<NfcTargetInfo>> GetTargetsAsync(uint deviceIndex, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<NfcTargetInfo>>(
                [new NfcTargetInfo((uint)Polls, NfcProtocols.NfcDep, 0x0044, 0x40, [1, 2, 3, 4], [], [], null, [])]);

        public Task DepLinkUpAsync(uint deviceIndex, uint? targetIndex, NfcCommMode commMode = NfcCommMode.Passive, CancellationToken cancellationToken = default)
        {
            LinkUpTargets.Add(targetIndex);
            if (answersAtrOnPoll(Polls))
                _ = Task.Run(() => _events.OnNext(new NfcDepLinkUpEvent(deviceIndex, targetIndex, commMode, NfcRfMode.Initiator)), cancellationToken);
            return Task.CompletedTask;
        }
    }

    private static Task<NfcDepLinkResult> Link(ScriptedDevice d, TimeSpan timeout) =>
        NfcDepLinker.PollAndLinkUpCoreAsync(d, Device, timeout, TimeSpan.FromMilliseconds(200), NfcCommMode.Passive, null,
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task An_unanswered_atr_polls_again_and_links_with_the_target_of_the_new_poll()
    {
        var d = new ScriptedDevice(poll => poll >= 2);
        var r = await Link(d, TimeSpan.FromSeconds(30));
        Assert.Equal(2, r.Attempts);
        Assert.Equal(2, d.Polls);
        Assert.Equal([1u, 2u], d.LinkUpTargets);
        Assert.Equal(2u, r.Target.Index);
        Assert.Equal(2u, r.Link.TargetIndex);
        Assert.Equal(0, d.Stops); // linked: the poll is left as the kernel has it
    }

    [Fact]
    public async Task A_first_answered_atr_links_in_one_attempt()
    {
        var d = new ScriptedDevice(_ => true);
        var r = await Link(d, TimeSpan.FromSeconds(30));
        Assert.Equal(1, r.Attempts);
        Assert.Equal([1u], d.LinkUpTargets);
    }

    [Fact]
    public async Task A_target_that_never_answers_ends_in_a_timeout_and_the_poll_is_stopped()
    {
        var d = new ScriptedDevice(_ => false);
        var e = await Assert.ThrowsAsync<TimeoutException>(() => Link(d, TimeSpan.FromSeconds(1)));
        Assert.Contains("nfc0", e.Message, StringComparison.Ordinal);
        Assert.True(d.Polls >= 2, $"polls: {d.Polls}");
        Assert.Equal(d.Polls, d.LinkUpTargets.Count);
        Assert.Equal(1, d.Stops);
    }

    [Fact]
    public async Task A_busy_device_is_stopped_and_polled_again()
    {
        var d = new ScriptedDevice(_ => true, busyPolls: 1);
        var r = await Link(d, TimeSpan.FromSeconds(30));
        Assert.Equal(2, r.Attempts); // the EBUSY round counts as an attempt
        Assert.Equal(1, d.Polls);
        Assert.Equal(1, d.Stops);
    }
}
