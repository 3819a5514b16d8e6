using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing.FunctionsHost.Discovery;

namespace Serverless.Testing.FunctionsHost.Invocation;

/// <summary>
/// Calls a function method the way the worker does: a fresh instance of the declaring class per invocation,
/// built from the invocation's service scope (constructor injection), then the returned task awaited.
/// </summary>
internal static class FunctionInvoker
{
    /// <summary>Invokes and awaits; returns the awaited value (null for void/Task/ValueTask). Exceptions pass through unwrapped.</summary>
    public static async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, object?[] arguments)
    {
        var method = function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var returned = method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        return await AwaitAsync(method.ReturnType, returned);
    }

    private static async Task<object?> AwaitAsync(Type returnType, object? returned)
    {
        switch (returned)
        {
            case null:
                return null;
            case ValueTask valueTask:
                await valueTask;
                return null;
        }

        var awaited = ReturnTypes.AwaitedType(returnType);
        if (awaited is not null && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            // ValueTask<T> is a struct; AsTask gives a Task<T> we can await without knowing T statically.
            returned = returnType.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
        }

        if (returned is Task task)
        {
            await task;
            return awaited is null ? null : task.GetType().GetProperty(nameof(Task<int>.Result))!.GetValue(task);
        }

        return returned;
    }
}
