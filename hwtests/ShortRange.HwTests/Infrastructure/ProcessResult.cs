namespace ShortRange.HwTests.Infrastructure;

/// <summary>What a finished process left behind: its exit code and everything it wrote.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Returns this result if the process exited with 0, otherwise throws with its output.</summary>
    public ProcessResult EnsureSuccess() => ExitCode == 0
        ? this
        : throw new InvalidOperationException(
            $"'{Command}' exited with {ExitCode}.\nstdout: {StandardOutput.TrimEnd()}\nstderr: {StandardError.TrimEnd()}");
}
