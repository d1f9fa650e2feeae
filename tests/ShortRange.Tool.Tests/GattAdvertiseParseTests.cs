using ShortRange.Tool.Infrastructure;

namespace ShortRange.Tool.Tests;

/// <summary>`bt gatt` and `bt advertise`: bad input is a usage error before any radio work.</summary>
public class GattAdvertiseParseTests
{
    [Theory]
    [InlineData(new[] { "bt", "gatt", "AA:BB:CC" }, "AA:BB:CC")]
    [InlineData(new[] { "bt", "gatt", "00:AA:01:00:00:00", "--type", "bredr" }, "le-public or le-random")]
    [InlineData(new[] { "bt", "gatt", "00:AA:01:00:00:00", "--read", "handle" }, "--read")]
    [InlineData(new[] { "bt", "gatt", "00:AA:01:00:00:00", "--write", "0x0003" }, "--write needs --value")]
    [InlineData(new[] { "bt", "gatt", "00:AA:01:00:00:00", "--write", "0x0003", "--value", "abc" }, "odd number")]
    [InlineData(new[] { "bt", "advertise", "--manufacturer", "0102" }, "COMPANY:HEX")]
    [InlineData(new[] { "bt", "advertise", "--uuid", "not-a-uuid" }, "not-a-uuid")]
    [InlineData(new[] { "bt", "advertise", "--interval-ms", "10" }, "--interval-ms: an advertising interval is 20 ms")]
    [InlineData(new[] { "bt", "advertise", "--tx-power", "21" }, "--tx-power must be -127 to 20 dBm")]
    [InlineData(new[] { "bt", "advertise", "--name", "a name far too long to fit any legacy advertisement at all" }, "exceeds the limit of 31")]
    public async Task Bad_input_is_a_usage_error(string[] args, string mentions)
    {
        var r = await ToolRunner.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains(mentions, string.Join("\n", r.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bt_lists_gatt_and_advertise()
    {
        var r = await ToolRunner.RunAsync(["bt", "--help"]);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Contains("  gatt", r.Out, StringComparison.Ordinal);
        Assert.Contains("  advertise", r.Out, StringComparison.Ordinal);
    }
}
