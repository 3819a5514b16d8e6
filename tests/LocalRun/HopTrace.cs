using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Serverless.Testing.LocalRun;

/// <summary>
/// Where an inbound call's time goes, hop by hop: every HTTP request this process serves or sends (the simulator's
/// webhook, the Functions' Azurite table and queue round trips, the node's event through the tap, <c>pre_accept</c>)
/// from the runtime's own activities ("Microsoft.AspNetCore", "System.Net.Http"), with start and duration.
/// </summary>
internal sealed class HopTrace : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Hop> _hops = new();

    public HopTrace(IReadOnlyDictionary<int, string> portNames)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "System.Net.Http" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _hops.Enqueue(Describe(a, portNames)),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Hops that started within [from, to], oldest first.</summary>
    public IReadOnlyList<Hop> Between(DateTimeOffset from, DateTimeOffset to) =>
        [.. _hops.Where(h => h.Start >= from && h.Start <= to).OrderBy(h => h.Start)];

    /// <summary>Hops recorded so far.</summary>
    public int Count => _hops.Count;

    public void Dispose() => _listener.Dispose();

    /// <summary>One line per hop, relative to <paramref name="origin"/>: start, end, duration, what.</summary>
    public static IEnumerable<string> Format(IReadOnlyList<Hop> hops, DateTimeOffset origin) =>
        hops.Select(h => string.Create(CultureInfo.InvariantCulture,
            $"  +{(h.Start - origin).TotalMilliseconds,7:F1} .. +{(h.Start + h.Duration - origin).TotalMilliseconds,7:F1} ms ({h.Duration.TotalMilliseconds,6:F1}) {h.What}"));

    private static Hop Describe(Activity a, IReadOnlyDictionary<int, string> portNames)
    {
        var incoming = a.Kind == ActivityKind.Server;
        var method = a.GetTagItem("http.request.method") as string ?? string.Empty;
        var port = a.GetTagItem("server.port") switch
        {
            int p => p,
            string s when int.TryParse(s, CultureInfo.InvariantCulture, out var p) => p,
            _ => 0,
        };
        var path = a.GetTagItem("url.path") as string;
        if (a.GetTagItem("url.full") is string full && Uri.TryCreate(full, UriKind.Absolute, out var uri))
        {
            path = uri.AbsolutePath;
            port = uri.Port;
        }

        var where = portNames.TryGetValue(port, out var name) ? name : port.ToString(CultureInfo.InvariantCulture);
        var status = a.GetTagItem("http.response.status_code")?.ToString();
        var what = $"{(incoming ? "in " : "out")} {where,-10} {method} {path ?? a.DisplayName} {status}";
        return new Hop(new DateTimeOffset(a.StartTimeUtc, TimeSpan.Zero), a.Duration, what);
    }

    internal sealed record Hop(DateTimeOffset Start, TimeSpan Duration, string What);
}
