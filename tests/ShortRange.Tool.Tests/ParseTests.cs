using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

public class ParseTests
{
    [Theory]
    [InlineData(new[] { "bogus" }, "Unrecognized command or argument 'bogus'")]
    [InlineData(new string[0], "Required command was not provided")]
    [InlineData(new[] { "bt" }, "Required command was not provided")]
    [InlineData(new[] { "ndef", "decode" }, "Required argument 'HEX' missing")]
    [InlineData(new[] { "ndef", "decode", "--format", "xml", "d10100" }, "xml")]
    [InlineData(new[] { "lowpan", "decode", "--format", "json", "41" }, "json")]
    [InlineData(new[] { "scan", "--tech", "wifi" }, "wifi")]
    [InlineData(new[] { "scan", "--timeout", "soon" }, "soon")]
    [InlineData(new[] { "bt", "power", "maybe" }, "maybe")]
    public async Task Parse_errors_exit_with_the_usage_code_and_one_line(string[] args, string mentions)
    {
        var r = await ToolRunner.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Equal("", r.Out);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains(mentions, line, StringComparison.Ordinal);
        Assert.EndsWith("--help)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_hint_names_the_command_that_failed_to_parse()
    {
        var r = await ToolRunner.RunAsync(["lowpan", "decode", "--format", "json", "41"]);
        Assert.EndsWith("(see: shortrange lowpan decode --help)", Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_succeeds_and_lists_every_command()
    {
        var r = await ToolRunner.RunAsync(["--help"]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        foreach (var c in new[] { "adapters", "scan", "bt", "lowpan", "nfc", "ndef", "lab" })
            Assert.Contains("  " + c, r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bt", new[] { "info", "power", "pair", "unpair", "bonds", "capture", "l2cap", "pan" })]
    [InlineData("lowpan", new[] { "config", "up", "listen", "capture", "decode" })]
    [InlineData("nfc", new[] { "poll", "read", "write", "push", "listen" })]
    public async Task Groups_list_their_subcommands(string group, string[] subcommands)
    {
        var r = await ToolRunner.RunAsync([group, "--help"]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        foreach (var c in subcommands) Assert.Contains("  " + c, r.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bt", "pair", "AA:BB:CC")]
    [InlineData("bt", "unpair", "not-an-address")]
    public async Task Malformed_bluetooth_address_is_a_usage_error_before_any_radio_work(string group, string command, string address)
    {
        var r = await ToolRunner.RunAsync([group, command, address]);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains(address, Assert.Single(r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lab_finds_the_repository_root_from_the_test_directory()
    {
        string? root = ShortRange.Tool.Commands.LabCommand.FindRepositoryRoot(AppContext.BaseDirectory);
        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root!, "hwtests", "lab", "run")));
        Assert.Null(ShortRange.Tool.Commands.LabCommand.FindRepositoryRoot(Path.GetTempPath()));
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData("push")]
    [InlineData("write")]
    public async Task Nfc_message_needs_exactly_one_of_text_or_uri(string command)
    {
        foreach (var args in new[] { new[] { "nfc", command }, new[] { "nfc", command, "--text", "a", "--uri", "https://b" } })
        {
            var r = await ToolRunner.RunAsync(args);
            Assert.Equal(ExitCodes.Usage, r.ExitCode);
            Assert.Equal("give exactly one of --text or --uri (see: shortrange --help)", Assert.Single(r.ErrorLines));
        }
    }

    [Fact]
    public void Lab_runs_this_very_build_through_dotnet()
    {
        var invocation = ShortRange.Tool.Commands.LabCommand.ToolInvocation();
        Assert.Equal("dotnet", invocation[0]);
        Assert.Equal("shortrange.dll", Path.GetFileName(invocation[1]));
        Assert.True(File.Exists(invocation[1]));
    }
}
