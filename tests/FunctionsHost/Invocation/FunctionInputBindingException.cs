namespace Serverless.Testing.FunctionsHost.Invocation;

/// <summary>An input that could not be bound; like the worker's conversion failure, it fails the invocation (500).</summary>
public sealed class FunctionInputBindingException : Exception
{
    public FunctionInputBindingException()
    {
    }

    public FunctionInputBindingException(string message)
        : base(message)
    {
    }

    public FunctionInputBindingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FunctionInputBindingException(string functionName, string problem, Exception? innerException = null)
        : base($"Function '{functionName}': {problem}", innerException)
    {
        FunctionName = functionName;
    }

    public string? FunctionName { get; }
}
