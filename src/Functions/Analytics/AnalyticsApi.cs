using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Calls;
using Serverless.Functions.Http;

namespace Serverless.Functions.Analytics;

/// <summary>
/// <c>GET /api/analytics/calls?from=&amp;to=&amp;groupBy=</c>: call success and quality from the rollups; and
/// <c>GET /api/analytics/calls/list</c>: the calls behind one group (drill-down). The dashboard serves the same two
/// answers to a signed-in analyst (<see cref="Dashboard.DashboardApi"/>).
/// </summary>
public sealed class AnalyticsApi(CallAnalytics analytics, ICallStore store, IOptions<AnalyticsOptions> options)
{
    private const string GroupByValues = "day, hour, phoneNumber, direction, outcome";
    private const int DefaultPageSize = 50;

    [Function("GetCallAnalytics")]
    public Task<IActionResult> GetCallAnalyticsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "analytics/calls")] HttpRequest request, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => AnalyticsAsync(request, cancellationToken));

    [Function("ListAnalyticsCalls")]
    public Task<IActionResult> ListAnalyticsCallsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "analytics/calls/list")] HttpRequest request, CancellationToken cancellationToken) =>
        StorageOutage.GuardAsync(request, () => ListAsync(request, cancellationToken));

    /// <summary>The analytics answer for a request's query (whoever was let in).</summary>
    internal async Task<IActionResult> AnalyticsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        if (!TryRange(query, out var from, out var to, out var problem))
        {
            return problem!;
        }

        var groupByText = query["groupBy"].ToString();
        AnalyticsGroupBy groupBy;
        if (groupByText.Length == 0)
        {
            groupBy = AnalyticsGroupBy.Day;
        }
        else if (string.Equals(groupByText, "agent", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid("'groupBy=agent' is not available yet.", "Calls carry no agent until the agent console exists. One of: " + GroupByValues + ".");
        }
        else if (!Enum.TryParse(groupByText, ignoreCase: true, out groupBy) || !Enum.IsDefined(groupBy) || int.TryParse(groupByText, out _))
        {
            return Invalid("Unknown 'groupBy'.", "One of: " + GroupByValues + ".");
        }

        var limits = options.Value;
        if (groupBy == AnalyticsGroupBy.Hour && to - from > TimeSpan.FromDays(limits.MaxHourlyRangeDays))
        {
            return Invalid("The range is too long for groupBy=hour.", $"At most {limits.MaxHourlyRangeDays} days; use groupBy=day for longer ranges.");
        }

        return new OkObjectResult(await analytics.QueryAsync(from, to, groupBy, cancellationToken));
    }

    /// <summary>
    /// The final calls of one group: created in [from, to) (whole hours, as the rollups count them), optionally of one
    /// business number, direction and outcome; newest first, paged. Only what analytics needs: no user numbers.
    /// </summary>
    internal async Task<IActionResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        if (!TryRange(query, out var from, out var to, out var problem))
        {
            return problem!;
        }

        var number = query["phoneNumberId"].ToString() is { Length: > 0 } n ? n : null;
        if (number is not null && (number.Length > 32 || !number.All(char.IsAsciiDigit)))
        {
            return Invalid("'phoneNumberId' must be a business phone number id (digits).");
        }

        CallDirection? direction = null;
        if (query["direction"].ToString() is { Length: > 0 } directionText)
        {
            if (!TryWireEnum<CallDirection>(directionText, out var parsed))
            {
                return Invalid("Unknown 'direction'.", "One of: " + string.Join(", ", Enum.GetValues<CallDirection>().Select(WireText.Of)) + ".");
            }

            direction = parsed;
        }

        CallOutcome? outcome = null;
        if (query["outcome"].ToString() is { Length: > 0 } outcomeText)
        {
            if (!TryWireEnum<CallOutcome>(outcomeText, out var parsed))
            {
                return Invalid("Unknown 'outcome'.", "One of: " + string.Join(", ", Enum.GetValues<CallOutcome>().Select(WireText.Of)) + ".");
            }

            outcome = parsed;
        }

        var pageSize = DefaultPageSize;
        if (query["pageSize"].ToString() is { Length: > 0 } sizeText
            && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > TableCallStore.MaxPageSize))
        {
            return Invalid($"'pageSize' must be 1-{TableCallStore.MaxPageSize}.");
        }

        var token = query["continuationToken"].ToString() is { Length: > 0 } t ? t : null;
        CallPage page;
        try
        {
            page = await store.ListEndedAsync(new EndedCallFilter(from, to, number, direction, outcome), token, pageSize, cancellationToken);
        }
        catch (ArgumentException) when (token is not null)
        {
            return Invalid("'continuationToken' is not one this API issued.");
        }

        return new OkObjectResult(new AnalyticsCallList
        {
            Calls = [.. page.Calls.Select(AnalyticsCall.Of)],
            ContinuationToken = page.ContinuationToken,
        });
    }

    private bool TryRange(IQueryCollection query, out DateTimeOffset from, out DateTimeOffset to, out IActionResult? problem)
    {
        to = default;
        if (!TryHour(query["from"].ToString(), "from", out from, out problem)
            || !TryHour(query["to"].ToString(), "to", out to, out problem))
        {
            return false;
        }

        if (to <= from)
        {
            problem = Invalid("'to' must be after 'from'.");
            return false;
        }

        if (to - from > TimeSpan.FromDays(options.Value.MaxRangeDays))
        {
            problem = Invalid("The range is too long.", $"At most {options.Value.MaxRangeDays} days.");
            return false;
        }

        return true;
    }

    private static bool TryWireEnum<T>(string text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(WireText.Of(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static bool TryHour(string text, string name, out DateTimeOffset value, out IActionResult? problem)
    {
        problem = null;
        if (text.Length == 0)
        {
            value = default;
            problem = Invalid($"'{name}' is required.", "An ISO 8601 time at a whole UTC hour, e.g. 2026-12-01T00:00:00Z.");
            return false;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
        {
            problem = Invalid($"'{name}' is not an ISO 8601 time.");
            return false;
        }

        value = value.ToUniversalTime();
        if (value != RollupPeriod.Floor(value, RollupGranularity.Hour))
        {
            // Rollups are hourly: a range inside an hour could not be answered exactly.
            problem = Invalid($"'{name}' must be a whole UTC hour.", "Analytics are kept per hour, e.g. 2026-12-01T13:00:00Z.");
            return false;
        }

        return true;
    }

    private static ObjectResult Invalid(string title, string? detail = null) =>
        Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.InvalidQuery, title, detail);
}
