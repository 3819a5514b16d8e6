using Serverless.Shared.Transport;

namespace Serverless.Shared.Tests.Transport;

public class CallSequenceGateTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Follow_ups_wait_for_the_start_command_and_then_run_in_sequence()
    {
        var gate = new CallSequenceGate();
        var start = Commands.Start("c", At);
        var answer = Commands.Answer("c", "n", At, 1);
        var play = Commands.Tone("c", "n", At, 2);

        Assert.Equal(SequenceDecision.Ready, gate.Check(start));
        Assert.Equal(SequenceDecision.HoldBack, gate.Check(answer));
        gate.Advance(start);
        Assert.Equal(SequenceDecision.HoldBack, gate.Check(play));
        Assert.Equal(SequenceDecision.Ready, gate.Check(answer));
        gate.Advance(answer);
        Assert.Equal(SequenceDecision.Ready, gate.Check(play));
        Assert.Equal(SequenceDecision.AlreadyPassed, gate.Check(answer));
    }

    [Fact]
    public void Calls_are_independent_and_an_untracked_call_is_not_gated()
    {
        var gate = new CallSequenceGate();
        gate.Check(Commands.Start("a", At));

        Assert.Equal(SequenceDecision.HoldBack, gate.Check(Commands.Answer("a", "n", At, 1)));
        Assert.Equal(SequenceDecision.Ready, gate.Check(Commands.Tone("b", "n", At, 7)));
    }

    [Fact]
    public void Hangup_and_Forget_end_tracking()
    {
        var gate = new CallSequenceGate();
        var start = Commands.Start("a", At);
        gate.Check(start);
        gate.Advance(start);
        gate.Check(Commands.Start("b", At));
        Assert.Equal(2, gate.TrackedCalls);

        gate.Advance(Commands.End("a", "n", At, 1));
        gate.Forget("b");

        Assert.Equal(0, gate.TrackedCalls);
    }
}
