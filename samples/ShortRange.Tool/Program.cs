// The `shortrange` console tool. Every command composes library calls; see README.md for commands and exit codes.
return await ShortRange.Tool.ToolApp.RunAsync(args).ConfigureAwait(false);
