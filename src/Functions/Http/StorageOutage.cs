using System.Globalization;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Functions.Http;

/// <summary>
/// Maps a storage outage met by an API function to 503 <c>storage-unavailable</c> + <c>Retry-After</c> (problem JSON)
/// instead of the host's empty 500: the account unreachable, refusing (5xx, throttling), or come back empty with its
/// tables not recreated yet (<c>Storage/TableInit</c> does that within 20 s). Anything else stays a 500 (a bug).
/// A wrapper around each function body, not worker middleware: the same code runs in Azure and in the test host.
/// </summary>
public static partial class StorageOutage
{
    /// <summary>Seconds a client waits before retrying: one table re-creation round (20 s) covers a storage that came back empty.</summary>
    public const int RetryAfterSeconds = 20;

    public static async Task<IActionResult> GuardAsync(HttpRequest request, Func<Task<IActionResult>> action)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (Exception ex) when (IsOutage(ex) && !request.HttpContext.Response.HasStarted)
        {
            var logger = request.HttpContext.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(StorageOutage).FullName!);
            if (logger is not null)
            {
                LogOutage(logger, ex, request.Method, request.Path.Value ?? string.Empty);
            }

            request.HttpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ProblemTypes.StorageUnavailable,
                "Call storage is unavailable.",
                $"The request could not read or write its data; retry after {RetryAfterSeconds} s (a dial with the same Idempotency-Key places one call).");
        }
    }

    /// <summary>Whether <paramref name="ex"/> says the storage account cannot serve now, rather than that the request is wrong.</summary>
    public static bool IsOutage(Exception ex) => ex switch
    {
        // Status 0: no response (connection refused or reset, DNS, timeout); 408/429/5xx: the service refuses for now.
        RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
        // Came back empty: the table or queue is missing until it is recreated.
        RequestFailedException { Status: 404, ErrorCode: "TableNotFound" or "QueueNotFound" or "ContainerNotFound" } => true,
        // Azure.Core's retry policy gives up with every attempt's failure.
        AggregateException { InnerExceptions.Count: > 0 } all => all.InnerExceptions.All(IsOutage),
        HttpRequestException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path}: storage unavailable, answered 503")]
    private static partial void LogOutage(ILogger logger, Exception exception, string method, string path);
}
