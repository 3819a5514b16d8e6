using System.Globalization;

namespace Serverless.Functions.Calls;

/// <summary>
/// The dedup keys callers pass to <see cref="ICallStore.ApplyAsync"/>. One convention, so a re-delivery of the
/// same fact always maps to the same key and two different facts never share one.
/// </summary>
public static class CallDedupKeys
{
    /// <summary>Webhook <c>calls[]</c> event (connect, terminate): Meta sends each at most once per call.</summary>
    public static string WebhookCallEvent(string wacid, string callEvent) =>
        Join("wh", wacid, callEvent.ToLowerInvariant());

    /// <summary>Webhook <c>statuses[]</c> entry (RINGING, ACCEPTED, REJECTED).</summary>
    public static string WebhookStatus(string wacid, string status) =>
        Join("st", wacid, status.ToUpperInvariant());

    /// <summary>A MediaNode event, by the id the node gave it.</summary>
    public static string MediaEvent(string eventId) => Join("media", eventId);

    /// <summary>The outcome of one of our own Graph requests (connect, pre_accept, accept) for a call.</summary>
    public static string GraphAction(string callId, string action) => Join("graph", callId, action.ToLowerInvariant());

    /// <summary>A dial API request on a call (e.g. DELETE): every hang-up request is one fact, retries included.</summary>
    public static string ApiHangup(string callId) => Join("api", callId, "hangup");

    /// <summary>A play API request on a call; each request is its own fact, named by the play id it was given.</summary>
    public static string ApiPlay(string callId, string playId) => Join("api", callId, "play", playId);

    /// <summary>A sweep of a call past a given deadline; a moved deadline is a new fact.</summary>
    public static string Sweep(string callId, DateTimeOffset deadline) =>
        Join("sweep", callId, deadline.UtcTicks.ToString(CultureInfo.InvariantCulture));

    /// <summary>The node carrying the call was found dead; one fact per call and node.</summary>
    public static string NodeLost(string callId, string nodeId) => Join("node-lost", callId, nodeId);

    /// <summary>The call was refused because no live node had room when it came in; one fact per call.</summary>
    public static string NoRoom(string callId) => Join("no-room", callId);

    /// <summary>An agent console command (ConnectAgent, MuteAgent) with its own id: each is one fact.</summary>
    public static string Console(string callId, string what, string id) => Join("console", callId, what, id);

    private static string Join(params string[] parts)
    {
        foreach (var part in parts)
        {
            ArgumentException.ThrowIfNullOrEmpty(part);
        }

        return string.Join('|', parts);
    }
}
