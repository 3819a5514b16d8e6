using NCrontab;

namespace Serverless.Testing.FunctionsHost.Discovery;

/// <summary>
/// Timer schedules: the Functions timer trigger takes NCRONTAB with six fields
/// ({second} {minute} {hour} {day} {month} {day-of-week}) and rejects a five-field Unix cron. Parsed with NCrontab,
/// the library the host itself uses, so what runs here runs there.
/// </summary>
public static class CronSchedule
{
    public const int FieldCount = 6;

    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    public static bool IsValid(string schedule, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var fields = schedule.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != FieldCount)
        {
            problem = $"schedule '{schedule}' has {fields.Length} fields; NCRONTAB needs {FieldCount} (second minute hour day month day-of-week)";
            return false;
        }

        if (CrontabSchedule.TryParse(schedule, WithSeconds) is null)
        {
            problem = $"schedule '{schedule}' is not a valid NCRONTAB expression";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Parses a schedule <see cref="IsValid"/> accepted.</summary>
    public static CrontabSchedule Parse(string schedule) => CrontabSchedule.Parse(schedule, WithSeconds);
}
