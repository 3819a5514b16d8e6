using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Serverless.Functions.Http;

namespace Serverless.Functions.Analytics;

/// <summary><c>GET /api/analytics/calls?from=&amp;to=&amp;groupBy=</c>: call success and quality from the rollups.</summary>
public sealed class AnalyticsApi(CallAnalytics analytics, IOptions<AnalyticsOptions> options)
{
    private const string GroupByValues = "day, hour, phoneNumber, direction, outcome";

    [Function("GetCallAnalytics")]
    public async Task<IActionResult> GetCallAnalyticsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "analytics/calls")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        if (!TryHour(query["from"].ToString(), "from", out var from, out var problem)
            || !TryHour(query["to"].ToString(), "to", out var to, out problem))
        {
            return problem!;
        }

        if (to <= from)
        {
            return Invalid("'to' must be after 'from'.");
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
        if (to - from > TimeSpan.FromDays(limits.MaxRangeDays))
        {
            return Invalid("The range is too long.", $"At most {limits.MaxRangeDays} days.");
        }

        if (groupBy == AnalyticsGroupBy.Hour && to - from > TimeSpan.FromDays(limits.MaxHourlyRangeDays))
        {
            return Invalid("The range is too long for groupBy=hour.", $"At most {limits.MaxHourlyRangeDays} days; use groupBy=day for longer ranges.");
        }

        return new OkObjectResult(await analytics.QueryAsync(from, to, groupBy, cancellationToken));
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
