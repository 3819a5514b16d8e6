namespace Serverless.Shared.AudioPlans;

/// <summary>Bounds a plan must respect, so one dial request cannot pin a node's resources.</summary>
public static class AudioPlanLimits
{
    public const int MaxSteps = 32;
    public const int MaxPromptSourceLength = 2_048;
    public const int MaxStepNameLength = 64;
    public const int MinToneHz = 20;
    public const int MaxToneHz = 8_000;
    public const int MinStepMilliseconds = 20;
    public const int MaxStepMilliseconds = 600_000;
    public const int MaxDigits = 32;
    public const int MinCollectTimeoutMilliseconds = 100;
    public const int MaxCollectTimeoutMilliseconds = 300_000;
    public const int MaxRecordSeconds = 3_600;
    public const int MaxStreamUrlLength = 2_048;
    public const int MaxStreamSeconds = 7_200;
    public const int DefaultStreamSeconds = 3_600;
    public const int MaxStreamHeaders = 16;
    public const int MaxStreamHeaderValueLength = 4_096;
    public const int MaxStreamTokenLength = 8_192;
    public const int MaxKeyVaultSecretNameLength = 127;
    public const int MaxCustomParameters = 32;
    public const int MaxCustomParameterLength = 1_024;
    public const int MaxOnErrorSteps = 8;
    public const int MaxRealtimeInstructionsLength = 16_384;
    public const int MaxRealtimeVoiceLength = 32;
    public const int MaxRealtimeTurnMilliseconds = 10_000;

    /// <summary>The only PCM rate of the OpenAI realtime interface.</summary>
    public const int RealtimeSampleRate = 24_000;
    public const int MaxQueueNameLength = 64;
    public const int MaxAgentWaitSeconds = 3_600;
    public const int MaxOnNoAgentSteps = 8;

    /// <summary>How long the node waits for an agent's WebSocket to open before the step's onError runs.</summary>
    public static readonly TimeSpan StreamConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Sum of the timed steps (tones, pauses, collect timeouts, recordings, echoes).</summary>
    public static readonly TimeSpan MaxTimedDuration = TimeSpan.FromHours(2);
}
