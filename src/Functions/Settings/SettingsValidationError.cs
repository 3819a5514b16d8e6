namespace Serverless.Functions.Settings;

/// <summary>One reason a <c>calling</c> settings object would be refused, with the JSON path of the offending member.</summary>
/// <param name="Path">Meta's wire path, e.g. <c>call_hours.weekly_operating_hours[3].open_time</c>.</param>
/// <param name="Message">What is wrong, for the caller.</param>
public sealed record SettingsValidationError(string Path, string Message);
