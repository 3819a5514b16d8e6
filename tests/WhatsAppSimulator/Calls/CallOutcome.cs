using Serverless.Testing.WhatsAppSimulator.Graph;

namespace Serverless.Testing.WhatsAppSimulator.Calls;

/// <summary>Result of a call action: the call on success, Meta's error otherwise.</summary>
public sealed record CallOutcome(SimulatedCall? Call, GraphError? Error)
{
    /// <summary>Success for <paramref name="call"/>.</summary>
    public static CallOutcome Ok(SimulatedCall call) => new(call, null);

    /// <summary>Failure with <paramref name="error"/>.</summary>
    public static CallOutcome Fail(GraphError error) => new(null, error);
}
