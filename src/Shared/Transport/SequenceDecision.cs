namespace Serverless.Shared.Transport;

/// <summary>Whether a command may run now, given the commands of its call already done.</summary>
public enum SequenceDecision
{
    /// <summary>Next in line (or a call this node tracks no order for): run it.</summary>
    Ready,

    /// <summary>An earlier command of the call is outstanding: hold this one back.</summary>
    HoldBack,

    /// <summary>The call is already past this sequence number: it was handled or dead-lettered before.</summary>
    AlreadyPassed,
}
