using Microsoft.Extensions.Logging;

namespace Serverless.MediaNode.Audio;

/// <summary>Log messages of a call's audio. Never logs phone numbers or prompt URIs (they may carry SAS tokens).</summary>
internal static partial class CallAudioLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Call {CallId}: step {Step} skipped, prompt unplayable: {Error} ({WavError})")]
    public static partial void PromptFailed(ILogger logger, string callId, int step, PromptError error, WavError wavError);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug, Message = "Call {CallId}: step {Step} ({Kind}) started")]
    public static partial void StepStarted(ILogger logger, string callId, int step, string kind);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Call {CallId}: recording saved as {BlobName} ({Packets} packets)")]
    public static partial void RecordingSaved(ILogger logger, string callId, string blobName, long packets);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Debug, Message = "Call {CallId}: collected {Count} digits")]
    public static partial void DigitsCollected(ILogger logger, string callId, int count);

    [LoggerMessage(EventId = 6120, Level = LogLevel.Information, Message = "Call {CallId}: step {Step} found no agent of queue {Queue} in time; onNoAgent runs")]
    public static partial void NoAgent(ILogger logger, string callId, int step, string queue);
}
