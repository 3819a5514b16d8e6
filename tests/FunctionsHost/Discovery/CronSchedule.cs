using System.Text.RegularExpressions;

namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>
/// Shape check of a timer schedule: the Functions timer trigger takes NCRONTAB with six fields
/// ({second} {minute} {hour} {day} {month} {day-of-week}); a five-field Unix cron is rejected by the host.
/// </summary>
public static partial class CronSchedule
{
    public const int FieldCount = 6;

    public static bool IsValid(string schedule, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var fields = schedule.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != FieldCount)
        {
            problem = $"schedule '{schedule}' has {fields.Length} fields; NCRONTAB needs {FieldCount} (second minute hour day month day-of-week)";
            return false;
        }

        foreach (var field in fields)
        {
            if (!FieldShape().IsMatch(field))
            {
                problem = $"schedule '{schedule}' has an invalid field '{field}'";
                return false;
            }
        }

        problem = null;
        return true;
    }

    // Digits, month/day names, and the operators * / , - (? is not NCRONTAB).
    [GeneratedRegex("^[0-9A-Za-z*/,\\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldShape();
}
