using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Flows;
using Serverless.Functions.Http;
using Serverless.Functions.Storage;

namespace Serverless.Functions.Api;

/// <summary>
/// The app-wide pace of new calls from <c>POST /api/calls</c>: one <see cref="TableTokenBucket"/> row in the
/// <c>{CallStore:TablePrefix}Rates</c> table that every Functions instance takes from, so Meta's call rate (138005)
/// holds however far the app scales out. Over the pace the API answers at once (429 <c>call-rate-limited</c>, with
/// <c>Retry-After</c> when a token will be there) instead of queueing the caller.
/// </summary>
public sealed class NewCallRate
{
    private readonly TableTokenBucket _bucket;

    public NewCallRate(TableServiceClient service, IOptions<CallStoreOptions> store, IOptions<CallFlowOptions> calls, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(calls);
        var table = service.GetTableClient(store.Value.TablePrefix + "Rates");
        _bucket = new TableTokenBucket(
            table, new TableInit(() => table.CreateIfNotExistsAsync()), "new-calls", calls.Value.MaxNewCallsPerSecond, calls.Value.NewCallBurst, time);
    }

    /// <summary>Null when the call may be placed now; otherwise the 429 problem (nothing was taken).</summary>
    public async Task<ObjectResult?> TryTakeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wait = await _bucket.TryTakeAsync(cancellationToken);
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        var seconds = (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds));
        request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status429TooManyRequests, ProblemTypes.CallRateLimited, "New calls are coming too fast.",
            $"This deployment places at most its configured number of new calls per second (Meta's call rate); nothing was stored. Retry after {seconds} s.");
    }
}
