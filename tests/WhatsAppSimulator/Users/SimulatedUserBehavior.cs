namespace Serverless.Testing.WhatsAppSimulator.Users;

/// <summary>
/// Scripted behaviour of one simulated WhatsApp user. All delays are simulated time (the simulator's
/// TimeProvider) measured from the moment the call is placed, so tests drive them with a FakeTimeProvider.
/// </summary>
public sealed record SimulatedUserBehavior
{
    /// <summary>Error code the simulator puts in terminate errors[] for an unanswered call (YCloud-observed 131000).</summary>
    public const int NotAnsweredErrorCode = 131000;

    /// <summary>What happens when the business calls.</summary>
    public OutboundReaction Reaction { get; init; } = OutboundReaction.Answer;

    /// <summary>Delay from connect to the reaction (answer, reject or failure).</summary>
    public TimeSpan ReactAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>If set, the user hangs up this long after the call connected (both directions).</summary>
    public TimeSpan? HangUpAfter { get; init; }

    /// <summary>Error code in terminate errors[] for <see cref="OutboundReaction.Fail"/>.</summary>
    public int FailureCode { get; init; } = 138019;

    /// <summary>Profile name shown in contacts[].</summary>
    public string ProfileName { get; init; } = "Simulated User";

    /// <summary>Automatic reply to a call_permission_request message.</summary>
    public PermissionReply PermissionReply { get; init; } = PermissionReply.None;

    /// <summary>Delay from the permission request to the reply.</summary>
    public TimeSpan PermissionReplyAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Answers after <paramref name="after"/>; optionally hangs up <paramref name="hangUpAfter"/> later.</summary>
    public static SimulatedUserBehavior AnswerAfter(TimeSpan after, TimeSpan? hangUpAfter = null) =>
        new() { Reaction = OutboundReaction.Answer, ReactAfter = after, HangUpAfter = hangUpAfter };

    /// <summary>Declines after <paramref name="after"/>.</summary>
    public static SimulatedUserBehavior RejectAfter(TimeSpan after) =>
        new() { Reaction = OutboundReaction.Reject, ReactAfter = after };

    /// <summary>Never picks up; the call fails at the ring timeout.</summary>
    public static SimulatedUserBehavior NeverAnswer() => new() { Reaction = OutboundReaction.NeverAnswer };

    /// <summary>Fails while ringing after <paramref name="after"/> with <paramref name="errorCode"/>.</summary>
    public static SimulatedUserBehavior FailAfter(TimeSpan after, int errorCode = 138019) =>
        new() { Reaction = OutboundReaction.Fail, ReactAfter = after, FailureCode = errorCode };
}
