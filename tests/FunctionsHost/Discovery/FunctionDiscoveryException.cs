namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>A <c>[Function]</c> the host cannot serve faithfully; raised at startup, naming the function.</summary>
public sealed class FunctionDiscoveryException : Exception
{
    public FunctionDiscoveryException()
    {
    }

    public FunctionDiscoveryException(string message)
        : base(message)
    {
    }

    public FunctionDiscoveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FunctionDiscoveryException(string functionName, string problem)
        : base($"Function '{functionName}': {problem}")
    {
        FunctionName = functionName;
    }

    /// <summary>The function at fault, when one is.</summary>
    public string? FunctionName { get; }
}
