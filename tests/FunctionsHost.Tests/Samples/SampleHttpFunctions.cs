using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Testing.FunctionsHost.Tests.Samples;

public sealed record DialRequest(string To, int? Priority);

/// <summary>HTTP functions in the shape the product's Functions app uses (HttpRequest in, IActionResult out).</summary>
public sealed class SampleHttpFunctions(Greeter greeter, ScopeMarker scope, InvocationLog log)
{
    [Function("Ping")]
    public IActionResult Ping([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request)
    {
        log.Add("Ping");
        return new OkObjectResult(new { message = greeter.Greet(request.Query["name"].ToString()) });
    }

    [Function("CreateCall")]
    public IActionResult CreateCall(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "calls")] HttpRequest request,
        [Microsoft.Azure.Functions.Worker.Http.FromBody] DialRequest body)
    {
        log.Add("CreateCall");
        return new AcceptedResult($"/api/calls/{body.To}", new { to = body.To, priority = body.Priority });
    }

    [Function("GetCall")]
    public async Task<IActionResult> GetCall(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "calls/{id:guid}")] HttpRequest request,
        Guid id,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        log.Add("GetCall");
        await Task.Yield();
        return new JsonResult(new
        {
            id,
            invocationId = context.InvocationId,
            functionId = context.FunctionId,
            functionName = context.FunctionDefinition.Name,
            entryPoint = context.FunctionDefinition.EntryPoint,
            sameScopeAsConstructor = context.InstanceServices.GetRequiredService<ScopeMarker>().Id == scope.Id,
            httpContextIsRequest = context.GetHttpContext()?.Request == request,
            bindingDataId = context.BindingContext.BindingData["id"]?.ToString(),
            tokenMatchesContext = cancellationToken == context.CancellationToken,
            scopeId = scope.Id,
        });
    }

    [Function("DeleteCall")]
    public IActionResult DeleteCall(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "calls/{id:guid}")] HttpRequest request,
        Guid id)
    {
        log.Add($"DeleteCall {id}");
        return new NoContentResult();
    }

    [Function("Typed")]
    public IActionResult Typed(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "typed/{count:int}/{big}/{flag}/{label?}")] HttpRequest request,
        int count,
        long big,
        bool flag,
        string? label,
        string? filter)
    {
        log.Add("Typed");
        return new OkObjectResult(new { count, big, flag, label, filter });
    }

    [Function("AdminOnly")]
    public IActionResult AdminOnly([HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/flush")] HttpRequest request)
    {
        log.Add("AdminOnly");
        return new OkResult();
    }

    [Function("Boom")]
    public IActionResult Boom([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request)
    {
        log.Add("Boom");
        throw new InvalidOperationException("secret detail that must not reach the client");
    }

    [Function("Problem")]
    public static Task<IActionResult> Problem([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post")] HttpRequest request) =>
        Task.FromResult<IActionResult>(new ObjectResult(new ProblemDetails
        {
            Type = "https://example.test/problems/no-call-permission",
            Title = "No call permission",
            Status = StatusCodes.Status403Forbidden,
        })
        { StatusCode = StatusCodes.Status403Forbidden });

    [Function("AnyMethod")]
    public static IActionResult AnyMethod([HttpTrigger(AuthorizationLevel.Anonymous, Route = "any")] HttpRequest request) =>
        new OkObjectResult(new { method = request.Method });
}
