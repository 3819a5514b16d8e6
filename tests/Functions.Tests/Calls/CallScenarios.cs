using Serverless.Functions.Calls;
using static Serverless.Functions.Calls.CallTrigger;

namespace Serverless.Functions.Tests.Calls;

/// <summary>Shared fixtures: fresh calls and a driver that applies triggers with a clock advancing 1 s per step.</summary>
internal static class CallScenarios
{
    public const string Wacid = "wacid.ABGGFjFVU2AfAgo6V-Hc5eCgK5Gh";
    public const string Node = "node-1";
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);
    public static readonly CallStateMachine Machine = CallStateMachine.Default;

    public static CallRecord NewOutbound() =>
        CallRecord.NewOutbound("call_01JDQ0000000000000000000AB", "PNID1", "16315553602", T0, CallTimeouts.Default);

    public static CallRecord NewInbound() =>
        CallRecord.NewInbound("call_01JDQ0000000000000000000CD", "PNID1", "16315553602", Wacid, T0, CallTimeouts.Default);

    public static CallRecord Ringing() => Drive(NewOutbound(), new OfferReady(Node), new ConnectSent(Wacid));

    public static CallRecord OutboundConnected() => Drive(Ringing(), new AnswerReceived(), new MediaConnected());

    public static CallRecord Accepting() => Drive(NewInbound(), new AnswerReady(Node));

    public static CallRecord InboundConnected() => Drive(Accepting(), new Accepted(), new MediaConnected());

    /// <summary>Applies each trigger, which must be Applied, one second apart.</summary>
    public static CallRecord Drive(CallRecord call, params CallTrigger[] triggers)
    {
        foreach (var trigger in triggers)
        {
            var result = Machine.Apply(call, trigger, call.UpdatedAt.AddSeconds(1));
            var applied = Assert.IsType<TransitionResult.Applied>(result);
            call = applied.Current;
        }

        return call;
    }
}
