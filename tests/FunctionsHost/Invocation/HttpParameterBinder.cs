using System.ComponentModel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Testing.FunctionsHost.Discovery;
using Serverless.Testing.FunctionsHost.Http;

namespace Serverless.Testing.FunctionsHost.Invocation;

/// <summary>
/// Produces the argument list of an HTTP function. A value that cannot be bound throws
/// <see cref="FunctionInputBindingException"/>: in the worker that fails the invocation, so the caller sees 500.
/// </summary>
internal static class HttpParameterBinder
{
    /// <summary>
    /// The trigger's binding data as the host builds it: query string values (the last of repeated names wins;
    /// the <c>code</c> key is a system value and never bound), overridden by route values.
    /// (The host also lifts JSON body properties into binding data; that is not modelled.)
    /// </summary>
    public static Dictionary<string, object?> BindingData(HttpContext http)
    {
        var data = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in http.Request.Query)
        {
            if (!string.Equals(key, FunctionKeyAuthorizer.KeyQuery, StringComparison.OrdinalIgnoreCase) && values.Count > 0)
            {
                data[key] = values[values.Count - 1];
            }
        }

        foreach (var (key, value) in http.GetRouteData().Values)
        {
            data[key] = value?.ToString();
        }

        return data;
    }

    public static async Task<object?[]> BindAsync(
        HttpFunctionDescriptor function,
        HttpContext http,
        FunctionContext context,
        IReadOnlyDictionary<string, object?> bindingData)
    {
        var arguments = new object?[function.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = function.Parameters[i] switch
            {
                HttpRequestParameter => http.Request,
                FunctionContextParameter => context,
                CancellationTokenParameter => context.CancellationToken,
                RequestBodyParameter body => await ReadBodyAsync(function.Name, body, http),
                BindingDataParameter value => Convert(function.Name, value, bindingData),
                var other => throw new FunctionInputBindingException(function.Name, $"parameter '{other.Name}' has no HTTP binding"),
            };
        }

        return arguments;
    }

    private static object? Convert(string functionName, BindingDataParameter parameter, IReadOnlyDictionary<string, object?> bindingData)
    {
        if (!bindingData.TryGetValue(parameter.Name, out var raw) || raw is not string text)
        {
            if (parameter.HasDefaultValue)
            {
                return parameter.DefaultValue;
            }

            return !parameter.Type.IsValueType || Nullable.GetUnderlyingType(parameter.Type) is not null
                ? null
                : throw new FunctionInputBindingException(functionName, $"no route or query value for parameter '{parameter.Name}'");
        }

        try
        {
            return TypeDescriptor.GetConverter(parameter.Type).ConvertFromInvariantString(text);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or OverflowException)
        {
            throw new FunctionInputBindingException(functionName,
                $"cannot convert parameter '{parameter.Name}' to {parameter.Type.Name}", e);
        }
    }

    // The ASP.NET Core integration binds [FromBody] with MVC's body model binder (System.Text.Json input
    // formatter, web defaults); an invalid model state fails the invocation rather than producing a 400.
    private static async Task<object?> ReadBodyAsync(string functionName, RequestBodyParameter parameter, HttpContext http)
    {
        var services = http.RequestServices;
        var metadata = services.GetRequiredService<IModelMetadataProvider>().GetMetadataForType(parameter.Type);
        var modelName = metadata.BinderModelName ?? string.Empty;
        var binder = services.GetRequiredService<IModelBinderFactory>().CreateBinder(new ModelBinderFactoryContext
        {
            Metadata = metadata,
            BindingInfo = new BindingInfo
            {
                BinderModelName = modelName,
                BindingSource = BindingSource.Body,
                BinderType = metadata.BinderType,
                PropertyFilterProvider = metadata.PropertyFilterProvider,
            },
            CacheToken = null,
        });

        var bindingContext = new DefaultModelBindingContext
        {
            ModelMetadata = metadata,
            ModelName = modelName,
            BindingSource = BindingSource.Body,
            ModelState = new ModelStateDictionary(),
            ActionContext = new ActionContext { HttpContext = http },
        };

        await binder.BindModelAsync(bindingContext);
        if (bindingContext.Result.IsModelSet)
        {
            return bindingContext.Result.Model;
        }

        if (!bindingContext.ModelState.IsValid)
        {
            var errors = bindingContext.ModelState.Values
                .SelectMany(entry => entry.Errors)
                .Select(error => string.IsNullOrEmpty(error.ErrorMessage) ? error.Exception?.Message : error.ErrorMessage);
            throw new FunctionInputBindingException(functionName,
                $"request body does not bind to {parameter.Type.Name}: {string.Join("; ", errors)}");
        }

        return null;
    }
}
