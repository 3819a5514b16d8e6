using Serverless.Testing.LocalRun;

return await LocalRunConsole.RunAsync(args).ConfigureAwait(false);
