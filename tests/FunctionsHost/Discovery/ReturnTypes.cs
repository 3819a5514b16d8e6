using Microsoft.AspNetCore.Mvc;

namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>Return shapes the host can complete: nothing, or (for HTTP) an IActionResult, optionally awaited.</summary>
internal static class ReturnTypes
{
    public static void Validate(string functionName, Type returnType, bool isHttp)
    {
        if (returnType == typeof(void) || returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            return;
        }

        var result = AwaitedType(returnType) ?? returnType;
        if (isHttp && typeof(IActionResult).IsAssignableFrom(result))
        {
            return;
        }

        var allowed = isHttp ? "void, Task, ValueTask or an IActionResult (optionally in Task/ValueTask)" : "void, Task or ValueTask";
        throw new FunctionDiscoveryException(functionName,
            $"return type {returnType.Name} is not supported by the test host (allowed: {allowed}; HttpResponseData and output bindings are not)");
    }

    /// <summary>T of Task&lt;T&gt; / ValueTask&lt;T&gt;, else null.</summary>
    public static Type? AwaitedType(Type type)
    {
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(Task<>) || definition == typeof(ValueTask<>) ? type.GetGenericArguments()[0] : null;
    }
}
