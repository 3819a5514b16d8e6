using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Serverless.Testing.FunctionsHost.Discovery;
using Serverless.Testing.FunctionsHost.Invocation;

namespace Serverless.Testing.FunctionsHost.Http;

/// <summary>
/// One HTTP function as a request delegate: key check (401, nothing invoked), binding, invocation in the
/// request scope, IActionResult executed by ASP.NET Core's result executors; any failure is a 500 with an
/// empty body, logged, as the host answers a failed invocation.
/// </summary>
internal sealed class HttpFunctionEndpoint(HttpFunctionDescriptor function, FunctionKeys keys, bool enforceKeys, ILogger logger)
{
    private readonly HostFunctionDefinition _definition = new(function);

    public async Task InvokeAsync(HttpContext http)
    {
        // Core Tools serves every level without a key locally; the local run copies that unless keys are asked for.
        if (enforceKeys && !FunctionKeyAuthorizer.IsAuthorized(function, http.Request, keys))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // The host refuses bodies over its request limit before anything runs.
        if (http.Request.ContentLength > FunctionsTestHost.MaxRequestBodyBytes)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var bindingData = HttpParameterBinder.BindingData(http);
        var context = new HostFunctionContext(_definition, http.RequestServices, bindingData, http.RequestAborted);
        context.Items[HostFunctionContext.HttpContextItemKey] = http;

        try
        {
            var arguments = await HttpParameterBinder.BindAsync(function, http, context, bindingData);
            var result = await FunctionInvoker.InvokeAsync(function, http.RequestServices, arguments);
            if (result is IActionResult actionResult && !http.RequestAborted.IsCancellationRequested)
            {
                await actionResult.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
            }
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            // Kestrel's own refusals while reading the body (e.g. a chunked body over the limit: 413).
            http.Response.Clear();
            http.Response.StatusCode = e.StatusCode;
        }
#pragma warning disable CA1031 // Any exception from user code is an invocation failure; the host turns it into a 500.
        catch (Exception e)
#pragma warning restore CA1031
        {
            HostLog.InvocationFailed(logger, e, function.Name, context.InvocationId);
            if (http.Response.HasStarted)
            {
                http.Abort();
                return;
            }

            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }
}
