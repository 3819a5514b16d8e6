using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Serverless.Functions.Http;

namespace Serverless.Functions.MediaEvents;

/// <summary>Problems the media events endpoint answers a node with (RFC 9457).</summary>
internal static class MediaEventProblems
{
    /// <summary>403: the body names another node than the key that signed it. The node treats 403 as retryable, but a
    /// genuine node never sends this.</summary>
    public static ObjectResult NodeMismatch(string signingNode) =>
        Problems.Create(
            StatusCodes.Status403Forbidden, ProblemTypes.MediaNodeMismatch, "The event names another node than the one that signed it.",
            $"Signed by node '{signingNode}': a node's key signs only its own events (nodeId).");

    /// <summary>409: the call belongs to another node; nothing was applied. Final for the node (no retry).</summary>
    public static ObjectResult NotCallOwner(string callId) =>
        Problems.Create(
            StatusCodes.Status409Conflict, ProblemTypes.NotCallOwner, "Another MediaNode owns this call.",
            "Events of a call are accepted only from the node that reported its offer or answer; nothing was applied.",
            "/api/calls/" + callId);

    /// <summary>
    /// 501: a media event type of the shared contract with no case in the dispatch (a deployment defect; a test pins
    /// that every <c>MediaEvent</c> subtype has one). Nothing was applied; the node retries, so a fixed deployment gets it.
    /// </summary>
    public static ObjectResult Unhandled(string type) =>
        Problems.Create(
            StatusCodes.Status501NotImplemented, ProblemTypes.MediaEventUnhandled, "This media event has no handler.",
            $"The Functions have no handler for '{type}'; nothing was applied.");
}
