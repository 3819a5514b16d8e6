using System.Diagnostics;

namespace Serverless.Testing.LocalRun;

/// <summary>A MediaNode running as its own process (<c>dotnet Serverless.MediaNode.dll</c>), configured by environment.</summary>
internal static class NodeProcess
{
    public static async Task<Process> StartAsync(string dll, IReadOnlyDictionary<string, string> settings, int httpPort)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in settings)
        {
            // The user's own MediaNode__* variables win, as every setting can be overridden from the environment.
            if (Environment.GetEnvironmentVariable(key) is null)
            {
                start.Environment[key] = value;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while (await ticks.WaitForNextTickAsync().ConfigureAwait(false))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The MediaNode exited with code {process.ExitCode}.");
            }

            try
            {
                // Ready, not just alive: the node has warmed its answer path, bound its port and is receiving commands.
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/readyz")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too slow to answer within 2 s on a loaded machine: ask again until the deadline.
            }
            catch (TaskCanceledException)
            {
                // A probe timed out (a busy machine, a node still starting): try again until the deadline.
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The MediaNode did not become ready (/readyz) within 60 s.");
            }
        }

        return process;
    }

    private static void Forward(string? line)
    {
        // Only the node's warnings and errors matter in the timeline.
        if (line is not null && (line.Contains("warn", StringComparison.OrdinalIgnoreCase) || line.Contains("fail", StringComparison.OrdinalIgnoreCase)))
        {
            Console.WriteLine("  [medianode] " + line);
        }
    }
}
