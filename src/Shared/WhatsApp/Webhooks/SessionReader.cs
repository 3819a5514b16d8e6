using System.Text;
using System.Text.Json;

namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>
/// Reads a connect webhook's SDP from <c>session{sdp_type, sdp}</c>, or from the legacy
/// <c>connection.webrtc.sdp</c>, a JSON string that itself holds <c>{"sdp": …, "type": …}</c>.
/// </summary>
internal static class SessionReader
{
    // The legacy inner document is flat; anything nested deeper is not it.
    private const int LegacyMaxDepth = 4;

    public static bool TryRead(JsonElement call, CallDirection direction, out SdpType type, out string sdp, out string problem)
    {
        if (JsonFields.Object(call, "session") is { } session)
        {
            return TryReadPair(JsonFields.String(session, "sdp"), JsonFields.String(session, "sdp_type"), direction, out type, out sdp, out problem);
        }

        if (JsonFields.Object(call, "connection") is { } connection
            && JsonFields.Object(connection, "webrtc") is { } webrtc
            && JsonFields.String(webrtc, "sdp") is { } legacy)
        {
            return TryReadLegacy(legacy, direction, out type, out sdp, out problem);
        }

        type = default;
        sdp = string.Empty;
        problem = "session (or legacy connection.webrtc.sdp) is missing";
        return false;
    }

    private static bool TryReadLegacy(string legacy, CallDirection direction, out SdpType type, out string sdp, out string problem)
    {
        if (!JsonDocumentReader.TryParse(Encoding.UTF8.GetBytes(legacy), LegacyMaxDepth, out var document, out _))
        {
            type = default;
            sdp = string.Empty;
            problem = "connection.webrtc.sdp is not a JSON-encoded {sdp, type}";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            return TryReadPair(JsonFields.String(root, "sdp"), JsonFields.String(root, "type"), direction, out type, out sdp, out problem);
        }
    }

    private static bool TryReadPair(string? text, string? typeText, CallDirection direction, out SdpType type, out string sdp, out string problem)
    {
        sdp = text ?? string.Empty;
        type = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "sdp is missing or empty";
            return false;
        }

        if (JsonFields.Is(typeText, "offer"))
        {
            type = SdpType.Offer;
        }
        else if (JsonFields.Is(typeText, "answer"))
        {
            type = SdpType.Answer;
        }
        else if (typeText is null && direction != CallDirection.Unknown)
        {
            // Meta's rule: users offer on inbound calls, Meta answers on outbound ones (reference §2a/§2b).
            type = direction == CallDirection.UserInitiated ? SdpType.Offer : SdpType.Answer;
        }
        else
        {
            problem = typeText is null ? "sdp_type is missing and direction is unknown" : "sdp_type is neither offer nor answer";
            return false;
        }

        problem = string.Empty;
        return true;
    }
}
