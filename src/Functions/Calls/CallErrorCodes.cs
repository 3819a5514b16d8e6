using Serverless.Shared.Media;

namespace Serverless.Functions.Calls;

/// <summary>
/// The one list of <c>lastError.code</c> values (documented in src/Functions/README.md). Stable: clients branch on
/// them, so a code is never renamed; new causes get new codes.
/// </summary>
public static class CallErrorCodes
{
    /// <summary>A prompt of the audio plan does not exist.</summary>
    public const string PromptNotFound = "prompt-not-found";

    /// <summary>A prompt exists but cannot be played (not a WAV we accept, too large, not allowed, unreachable).</summary>
    public const string PromptInvalid = "prompt-invalid";

    /// <summary>The MediaNode refused the audio plan.</summary>
    public const string PlanInvalid = "plan-invalid";

    /// <summary>No ICE candidate pair succeeded, or consent expired mid-call.</summary>
    public const string IceFailed = "ice-failed";

    /// <summary>The DTLS handshake failed; the message names the alert, version and cipher suite.</summary>
    public const string DtlsFailed = "dtls-failed";

    /// <summary>The MediaNode could not use the remote SDP.</summary>
    public const string SdpRejected = "sdp-rejected";

    /// <summary>Media did not come up (or stopped) within the node's time limit.</summary>
    public const string MediaTimeout = "media-timeout";

    /// <summary>No MediaNode had room for the call.</summary>
    public const string Capacity = "capacity";

    /// <summary>No MediaNode could be asked to carry the call (command transport down).</summary>
    public const string MediaUnavailable = "media-unavailable";

    /// <summary>The MediaNode carrying the call stopped reporting.</summary>
    public const string NodeLost = "node-lost";

    /// <summary>The MediaNode carrying the call was shut down (SIGTERM: upgrade, scale-in) with the call still up at its drain deadline.</summary>
    public const string NodeDrained = "node-drained";

    /// <summary>The call made no progress in a state before that state's deadline.</summary>
    public const string Timeout = "timeout";

    /// <summary>An unexpected condition (a bug): the message says where.</summary>
    public const string Internal = "internal";

    /// <summary>Prefix of Meta's errors: <c>meta-138006</c>.</summary>
    public const string MetaPrefix = "meta-";

    /// <summary>The error of a call no node could be asked to carry.</summary>
    public static CallError CommandTransportDown { get; } =
        new(MediaUnavailable, "No media node could be asked to place the call (command transport unavailable).");

    /// <summary>The code of a MediaNode failure reason.</summary>
    public static string ForMedia(MediaFailureReason reason) => reason switch
    {
        MediaFailureReason.Capacity => Capacity,
        MediaFailureReason.IceFailed => IceFailed,
        MediaFailureReason.DtlsFailed => DtlsFailed,
        MediaFailureReason.SdpRejected => SdpRejected,
        MediaFailureReason.Timeout => MediaTimeout,
        MediaFailureReason.PromptNotFound => PromptNotFound,
        MediaFailureReason.PromptInvalid => PromptInvalid,
        MediaFailureReason.PlanInvalid => PlanInvalid,
        _ => Internal,
    };

    private static string DefaultMessage(MediaFailureReason reason) => reason switch
    {
        MediaFailureReason.Capacity => "No media node had room for the call.",
        MediaFailureReason.IceFailed => "ICE failed: no candidate pair succeeded.",
        MediaFailureReason.DtlsFailed => "The DTLS handshake failed.",
        MediaFailureReason.SdpRejected => "The media node could not use the remote SDP.",
        MediaFailureReason.Timeout => "Media did not come up in time.",
        MediaFailureReason.PromptNotFound => "A prompt of the audio plan does not exist.",
        MediaFailureReason.PromptInvalid => "A prompt of the audio plan cannot be played.",
        MediaFailureReason.PlanInvalid => "The media node refused the audio plan.",
        _ => "The media node failed unexpectedly.",
    };

    /// <summary>The error a node's <see cref="MediaFailed"/> means: its code and a message with the real cause.</summary>
    public static CallError FromMediaFailed(MediaFailed failed)
    {
        ArgumentNullException.ThrowIfNull(failed);
        var message = failed.Detail is { Length: > 0 } detail ? detail : DefaultMessage(failed.Reason);
        if (failed.Dtls is { } dtls)
        {
            var alert = dtls.Alert is null ? "no alert" : $"alert {dtls.Alert} {(dtls.AlertFromRemote == true ? "from the remote" : "sent by us")}";
            message = $"{message} (DTLS {dtls.Failure}, {alert}, version {dtls.Version ?? "not negotiated"}, cipher suite {dtls.CipherSuite ?? "not negotiated"})";
        }
        else if (failed.IceState is { } ice)
        {
            message = $"{message} (ICE state {ice})";
        }

        return new CallError(ForMedia(failed.Reason), message);
    }
}
