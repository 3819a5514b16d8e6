using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Serverless.Testing;

namespace Serverless.Testing.EndToEnd.Infrastructure;

/// <summary>
/// An Azurite of the test's own (in memory, its own three ports on 127.0.0.1), so the test can stop it and start it
/// again empty without touching the Azurite the other tests share. The connection string stays the same across restarts.
/// </summary>
internal sealed class OwnAzurite : IAsyncDisposable
{
    // Azurite's well-known development account (public, documented by Microsoft).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly int[] _ports;
    private Process? _process;

    private OwnAzurite(int[] ports) => _ports = ports;

    /// <summary>Blob, queue and table endpoints of this instance, with the development account's key.</summary>
    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{_ports[0]}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{_ports[1]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{_ports[2]}/devstoreaccount1;");

    public static async Task<OwnAzurite> StartAsync()
    {
        var azurite = new OwnAzurite([FreePort(), FreePort(), FreePort()]);
        await azurite.StartFreshAsync();
        return azurite;
    }

    /// <summary>Stops it: every table, queue and blob is gone (in-memory storage).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Starts it on the same ports with empty storage; returns once all three ports accept connections.</summary>
    public async Task StartFreshAsync()
    {
        var start = new ProcessStartInfo(RepoPaths.Of("node_modules", ".bin", "azurite"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", _ports[0].ToString(CultureInfo.InvariantCulture),
            "--queuePort", _ports[1].ToString(CultureInfo.InvariantCulture),
            "--tablePort", _ports[2].ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        using var timeout = new CancellationTokenSource(E2E.Wait);
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        foreach (var port in _ports)
        {
            while (!await AcceptsAsync(port))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on {port}.");
                }

                await ticks.WaitForNextTickAsync(timeout.Token);
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
