using System.Text;

namespace Serverless.Shared.WhatsApp;

/// <summary>
/// Masks phone numbers (and other user identifiers such as BSUIDs) before they reach a log line.
/// Phone numbers are personal data: only enough survives to tell two numbers apart by eye.
/// </summary>
public static class PhoneMask
{
    private const int KeepHead = 2;
    private const int KeepTail = 3;

    /// <summary>Placeholder printed for an absent number.</summary>
    public const string Absent = "(none)";

    /// <summary>
    /// Keeps a leading <c>+</c>, the first two and the last three characters, and stars out the rest,
    /// e.g. <c>+447700900789</c> becomes <c>+44*******789</c>. Values of five characters or fewer are starred out fully.
    /// </summary>
    public static string Mask(string? number)
    {
        if (number is null)
        {
            return Absent;
        }

        var span = number.AsSpan().Trim();
        var builder = new StringBuilder(span.Length);
        if (span.StartsWith("+"))
        {
            builder.Append('+');
            span = span[1..];
        }

        if (span.Length <= KeepHead + KeepTail)
        {
            return builder.Append('*', span.Length).ToString();
        }

        return builder
            .Append(span[..KeepHead])
            .Append('*', span.Length - KeepHead - KeepTail)
            .Append(span[^KeepTail..])
            .ToString();
    }
}
