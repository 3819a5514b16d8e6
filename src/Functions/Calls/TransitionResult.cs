namespace Serverless.Functions.Calls;

/// <summary>
/// What <see cref="CallStateMachine.Apply"/> decided. Callers perform side effects (Graph requests, MediaNode
/// commands) only for <see cref="Applied"/>, which makes duplicate and reordered deliveries act once.
/// </summary>
public abstract record TransitionResult
{
    private TransitionResult()
    {
    }

    public abstract TransitionKind Kind { get; }

    /// <summary>The trigger changed the call; <see cref="Current"/> is the record to store.</summary>
    public sealed record Applied(CallRecord Previous, CallRecord Current) : TransitionResult
    {
        public override TransitionKind Kind => TransitionKind.Applied;

        public bool StateChanged => Previous.State != Current.State;

        /// <summary>True exactly once per call: when it entered Ended or Failed.</summary>
        public bool BecameFinal => !Previous.State.IsFinal() && Current.State.IsFinal();
    }

    /// <summary>A duplicate, late or audit-only trigger: harmless, nothing to store but the history row.</summary>
    public sealed record NoChange(string Reason) : TransitionResult
    {
        public override TransitionKind Kind => TransitionKind.NoChange;
    }

    /// <summary>An illegal transition: never applied; logged and recorded in the history.</summary>
    public sealed record Refused(string Reason) : TransitionResult
    {
        public override TransitionKind Kind => TransitionKind.Refused;
    }
}

public enum TransitionKind
{
    Applied,
    NoChange,
    Refused,
}
