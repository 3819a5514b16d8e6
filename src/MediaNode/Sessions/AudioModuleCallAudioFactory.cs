using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Audio.Streaming;
using Serverless.MediaNode.Recording;
using Serverless.Shared.AudioPlans;

namespace Serverless.MediaNode.Sessions;

/// <summary>Builds each call's audio from its plan (validated again here) with the Audio module (prompts, tones, DTMF collection, recording, echo).</summary>
public sealed class AudioModuleCallAudioFactory(
    PromptCache prompts, PromptSourcePolicy promptSources, StreamUrlPolicy streamUrls, StreamCredentials streamCredentials, IRecordingStore recordings, TimeProvider time, ILoggerFactory logs)
    : ICallAudioFactory
{
    /// <inheritdoc />
    public bool TryCreate(string callId, JsonElement? audioPlan, out ICallAudio? audio, out string? error)
    {
        audio = null;
        // The node checks what it receives whatever the API accepted, prompt sources included.
        if (!AudioPlan.TryParse(audioPlan, promptSources, streamUrls, out var plan, out var planError))
        {
            error = "audio plan " + planError;
            return false;
        }

        error = null;

        try
        {
            audio = new CallAudioAdapter(new CallAudio(callId, plan, prompts, recordings, time, logs.CreateLogger<CallAudio>(), streamUrls, streamCredentials));
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message; // e.g. a call id that cannot name a recording blob
            return false;
        }
    }
}
