namespace Serverless.Functions.Calls;

/// <summary>An error reported by Meta (Graph response or terminate webhook <c>errors[]</c>), code verbatim.</summary>
public sealed record CallError(int Code, string Message);
