namespace Serverless.Functions.Calls;

/// <summary>The <c>status</c> of Meta's terminate webhook (FAILED | COMPLETED, any casing on the wire).</summary>
public enum TerminateStatus
{
    Completed,
    Failed,
}
