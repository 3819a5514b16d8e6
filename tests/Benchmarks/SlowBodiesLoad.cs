using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Serverless.Functions.Tests.App;

namespace Serverless.Benchmarks;

/// <summary>
/// Memory under slow bodies (issue 14, "memory by declared length"): N connections each declare a 4 MiB webhook
/// body, send one byte and hold, so the Functions sit in their body reader before any signature can be checked.
/// Reports this process's resident set (the Functions run in it, on the test host over real HTTP and Azurite)
/// before, at the peak while the connections hold, and after they close. Run with Azurite up, in a
/// loopback-only namespace.
/// </summary>
internal static class SlowBodiesLoad
{
    private const int DeclaredBytes = 4 * 1024 * 1024;

    public static async Task RunAsync(int connections)
    {
        // The product's default webhook limit (4 MiB), not the test app's small one.
        await using var app = await CallingApp.StartAsync(settings => settings.Remove("Meta:MaxWebhookBodyBytes"));
        var target = app.Host.BaseAddress;
        using (var warm = await app.PostWebhookAsync("{}", signature: null))
        {
            // JIT and the first request's allocations are not part of what we measure.
        }

        var before = Settle();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sockets = new List<Socket>(connections);
        var header = Encoding.ASCII.GetBytes(
            $"POST /api/webhook HTTP/1.1\r\nHost: {target.Authority}\r\nContent-Type: application/json\r\n" +
            $"X-Hub-Signature-256: sha256={new string('0', 64)}\r\nContent-Length: {DeclaredBytes.ToString(CultureInfo.InvariantCulture)}\r\n\r\n{{");
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(target.Host, target.Port);
                await socket.SendAsync(header);
                sockets.Add(socket);
            }

            // Sample while every connection holds: the peak is what an attacker buys.
            var peak = ResidentBytes();
            var clock = Stopwatch.StartNew();
            using (var sample = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(5) && await sample.WaitForNextTickAsync())
                {
                    peak = Math.Max(peak, ResidentBytes());
                }
            }

            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var answered = sockets.Count(s => s.Available > 0); // a client that got an answer is not held
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            Console.WriteLine(FormattableString.Invariant(
                $"slow bodies: {connections} connections x 1 byte of a declared {DeclaredBytes / 1048576} MiB webhook body"));
            Console.WriteLine(FormattableString.Invariant(
                $"  resident set: before {Mb(before)} MB, peak while holding {Mb(peak)} MB (+{Mb(peak - before)} MB, {(peak - before) / connections / 1024} KiB per connection)"));
            Console.WriteLine(FormattableString.Invariant($"  connections already answered by the server while holding: {answered}"));
            Console.WriteLine(FormattableString.Invariant(
                $"  managed bytes allocated while they connected and held: {Mb(allocated)} MB ({allocated / connections / 1024} KiB per connection); GC committed {Mb(committed)} MB"));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        Console.WriteLine(FormattableString.Invariant($"  resident set after the connections closed: {Mb(Settle())} MB"));
    }

    private static long Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ResidentBytes();
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
            }
        }

        return Environment.WorkingSet;
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
}
