namespace Serverless.Shared.Media;

/// <summary>How a <c>stream</c> step of the audio plan ended.</summary>
public enum StreamOutcome
{
    /// <summary>The agent closed the WebSocket; the plan went on with its next step.</summary>
    AgentClosed,

    /// <summary>The step's <c>timeoutSeconds</c> passed; the node sent <c>stop</c> and closed.</summary>
    Timeout,

    /// <summary>The call ended during the stream; the node sent <c>stop</c> and closed.</summary>
    CallEnded,

    /// <summary>The WebSocket could not be opened (refused, unreachable, handshake failed or timed out); <c>onError</c> ran.</summary>
    ConnectFailed,

    /// <summary>The agent sent what the dialect does not allow (or the connection broke); the node closed and the plan went on.</summary>
    ProtocolError,
}

/// <summary>What one <c>stream</c> step did: how it ended and what crossed the WebSocket. Never carries the URL's query, headers or token.</summary>
public sealed record StreamResult
{
    /// <summary>The step's <c>name</c> from the plan, when it has one.</summary>
    public string? Name { get; init; }

    /// <summary>The dialect spoken (<c>twilio</c> or <c>pcm</c>).</summary>
    public required string Dialect { get; init; }

    /// <summary>How it ended.</summary>
    public required StreamOutcome Outcome { get; init; }

    /// <summary>Why, for people (e.g. the connect error or the close status); never secrets.</summary>
    public string? Detail { get; init; }

    /// <summary>20 ms frames of the caller's audio sent to the agent.</summary>
    public long FramesSent { get; init; }

    /// <summary>20 ms frames of the agent's audio played into the call.</summary>
    public long FramesPlayed { get; init; }

    /// <summary>Marks confirmed back to the agent.</summary>
    public int MarksConfirmed { get; init; }

    /// <summary><c>clear</c> messages (barge-ins) honoured.</summary>
    public int Clears { get; init; }

    /// <summary>When the step began.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public required DateTimeOffset EndedAt { get; init; }
}
