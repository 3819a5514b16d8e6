using System.ComponentModel.DataAnnotations;
using Serverless.Functions.Calls;

namespace Serverless.Functions.Flows;

/// <summary>Timeouts and switches of the call flows (section <c>Calls</c>).</summary>
public sealed class CallFlowOptions : IValidatableObject
{
    public const string SectionName = "Calls";

    /// <summary>Inbound: how long an offered call may wait for our accept (Meta allows about 30–60 s).</summary>
    public TimeSpan AnswerWindow { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Outbound: how long a call may ring before it counts as not answered.</summary>
    public TimeSpan RingDeadline { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long the MediaNode may take to produce an offer/answer or bring media up.</summary>
    public TimeSpan MediaDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a new call may wait for a MediaNode to take its start (every node full or draining) before it fails
    /// with <c>capacity</c> (an inbound call is rejected). Shorter than <see cref="AnswerWindow"/> and
    /// <see cref="MediaDeadline"/>; the sweeper's cadence (15 s) adds to it.
    /// </summary>
    public TimeSpan PlacementWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After the node reports a connected call's media lost (ICE consent, media timeout), how long the call waits for
    /// Meta's terminate (a user's hang-up during a Functions outage) before it fails with the node's error.
    /// </summary>
    public TimeSpan MediaLossWindow { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Upper bound of a connected call we never hear the end of.</summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// Off by default: Meta's real API needs no POST after the outbound answer. The seed guide POSTs <c>accept</c>
    /// after applying the answer; switch this on to do the same.
    /// </summary>
    public bool AcceptAfterOutboundAnswer { get; set; }

    /// <summary>
    /// How long a call webhook for a wacid we do not know yet is kept (Meta can deliver RINGING and the answer before
    /// our <c>connect</c> POST has its response); zero drops such webhooks. Covers the Graph client's total timeout.
    /// </summary>
    public TimeSpan HeldWebhookWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest dial API body read.</summary>
    public int MaxApiBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// App-wide pace of new calls placed through <c>POST /api/calls</c> (all instances together, a Table Storage token
    /// bucket), under Meta's call-rate limit (138005); above it the API answers 429 <c>call-rate-limited</c> with
    /// <c>Retry-After</c> and stores nothing.
    /// </summary>
    public double MaxNewCallsPerSecond { get; set; } = 20;

    /// <summary>New calls placed at once after a quiet spell, before <see cref="MaxNewCallsPerSecond"/> paces them.</summary>
    public int NewCallBurst { get; set; } = 50;

    /// <summary>Most calls one sweeper run ends.</summary>
    public int SweepBatchSize { get; set; } = 100;

    public CallTimeouts ToCallTimeouts() => new()
    {
        Preparing = MediaDeadline,
        Ringing = RingDeadline,
        Offered = AnswerWindow,
        Accepting = MediaDeadline,
        Connected = MaxCallDuration,
        Placement = PlacementWindow,
        MediaLoss = MediaLossWindow,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AnswerWindow <= TimeSpan.Zero || AnswerWindow > TimeSpan.FromSeconds(60))
        {
            yield return new ValidationResult("Calls:AnswerWindow must be positive and at most 60 s (Meta's answer window).");
        }

        if (RingDeadline <= TimeSpan.Zero || MediaDeadline <= TimeSpan.Zero || MaxCallDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Calls:RingDeadline, MediaDeadline and MaxCallDuration must be positive.");
        }

        if (PlacementWindow <= TimeSpan.Zero || PlacementWindow >= AnswerWindow || PlacementWindow >= MediaDeadline)
        {
            yield return new ValidationResult("Calls:PlacementWindow must be positive and shorter than Calls:AnswerWindow and Calls:MediaDeadline (a call no node takes must be refused inside Meta's answer window).");
        }

        if (MediaLossWindow <= TimeSpan.Zero || MediaLossWindow > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("Calls:MediaLossWindow must be positive and at most 5 minutes.");
        }

        if (HeldWebhookWindow < TimeSpan.Zero || HeldWebhookWindow > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("Calls:HeldWebhookWindow must be between 0 and 10 minutes.");
        }

        if (MaxNewCallsPerSecond <= 0 || NewCallBurst < 1)
        {
            yield return new ValidationResult("Calls:MaxNewCallsPerSecond must be positive and Calls:NewCallBurst at least 1.");
        }

        if (MaxApiBodyBytes <= 0 || SweepBatchSize <= 0)
        {
            yield return new ValidationResult("Calls:MaxApiBodyBytes and SweepBatchSize must be positive.");
        }
    }
}
