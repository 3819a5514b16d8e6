namespace Serverless.Testing.WhatsAppSimulator.Users;

/// <summary>What the simulated user does when the business calls.</summary>
public enum OutboundReaction
{
    /// <summary>Picks up: connect webhook with the phone's answer, then ACCEPTED.</summary>
    Answer,

    /// <summary>Declines: REJECTED status, then terminate FAILED.</summary>
    Reject,

    /// <summary>Lets it ring: terminate FAILED with errors[] after the ring timeout.</summary>
    NeverAnswer,

    /// <summary>Device-side failure while ringing (busy-like): terminate FAILED with an error code.</summary>
    Fail,
}
