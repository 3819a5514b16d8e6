namespace Serverless.Shared.WhatsApp.Graph.Models;

/// <summary><c>weekly_operating_hours[].day_of_week</c>.</summary>
public enum OperatingDay
{
    /// <summary>A value this code does not know (read only; never sent).</summary>
    Unknown,

    /// <summary><c>MONDAY</c>.</summary>
    Monday,

    /// <summary><c>TUESDAY</c>.</summary>
    Tuesday,

    /// <summary><c>WEDNESDAY</c>.</summary>
    Wednesday,

    /// <summary><c>THURSDAY</c>.</summary>
    Thursday,

    /// <summary><c>FRIDAY</c>.</summary>
    Friday,

    /// <summary><c>SATURDAY</c>.</summary>
    Saturday,

    /// <summary><c>SUNDAY</c>.</summary>
    Sunday,
}

/// <summary>Wire names of <see cref="OperatingDay"/>.</summary>
public sealed class OperatingDayConverter() : WireEnumConverter<OperatingDay>(
    ("MONDAY", OperatingDay.Monday),
    ("TUESDAY", OperatingDay.Tuesday),
    ("WEDNESDAY", OperatingDay.Wednesday),
    ("THURSDAY", OperatingDay.Thursday),
    ("FRIDAY", OperatingDay.Friday),
    ("SATURDAY", OperatingDay.Saturday),
    ("SUNDAY", OperatingDay.Sunday));
