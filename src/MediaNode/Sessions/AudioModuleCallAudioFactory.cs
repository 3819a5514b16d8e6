using System.Text.Json;
using Microsoft.Extensions.Logging;
using Serverless.MediaNode.Audio;
using Serverless.MediaNode.Recording;

namespace Serverless.MediaNode.Sessions;

/// <summary>Builds each call's audio from its plan with the Audio module (prompts, tones, DTMF collection, recording, echo).</summary>
public sealed class AudioModuleCallAudioFactory(PromptCache prompts, IRecordingStore recordings, TimeProvider time, ILoggerFactory logs) : ICallAudioFactory
{
    /// <inheritdoc />
    public bool TryCreate(string callId, JsonElement? audioPlan, out ICallAudio? audio, out string? error)
    {
        audio = null;
        if (!AudioPlan.TryParse(audioPlan, out var plan, out error))
        {
            return false;
        }

        try
        {
            audio = new CallAudioAdapter(new CallAudio(callId, plan, prompts, recordings, time, logs.CreateLogger<CallAudio>()));
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message; // e.g. a call id that cannot name a recording blob
            return false;
        }
    }
}
