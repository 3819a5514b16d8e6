using System.Text.RegularExpressions;

namespace Serverless.MediaNode.Recording;

/// <summary>The blob name of a call's recording; the call id must be safe as a path segment.</summary>
public static partial class RecordingBlobName
{
    public const string Container = "recordings";

    /// <summary>Name inside the container, e.g. <c>abc.ogg</c>.</summary>
    public static string InContainer(string callId, string contentType)
    {
        ArgumentNullException.ThrowIfNull(callId);
        if (!SafeId().IsMatch(callId))
        {
            throw new ArgumentException("A call id used in a blob name is 1-128 of [A-Za-z0-9._-] and not only dots.", nameof(callId));
        }

        return $"{callId}.{RecordingContentTypes.ExtensionOf(contentType)}";
    }

    /// <summary>Container and name, e.g. <c>recordings/abc.ogg</c> (what MediaEnded reports).</summary>
    public static string Full(string callId, string contentType) => $"{Container}/{InContainer(callId, contentType)}";

    [GeneratedRegex(@"^(?!\.+$)[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex SafeId();
}
