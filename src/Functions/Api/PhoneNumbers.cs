using System.Diagnostics.CodeAnalysis;
using PhoneNumbers;

namespace Serverless.Functions.Api;

/// <summary>E.164 validation with libphonenumber: a leading '+', a known country code, a valid number for it.</summary>
public static class E164
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// Accepts only "+" followed by digits that form a valid number; yields the WhatsApp id form (digits, no '+').
    /// </summary>
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out string? waId)
    {
        waId = null;
        if (string.IsNullOrEmpty(input) || input.Length > 16 || input[0] != '+' || !input.AsSpan(1).ContainsOnlyDigits())
        {
            return false;
        }

        try
        {
            var number = Util.Parse(input, null);
            if (!Util.IsValidNumber(number))
            {
                return false;
            }

            waId = Util.Format(number, PhoneNumberFormat.E164)[1..];
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span) => !span.IsEmpty && !span.ContainsAnyExceptInRange('0', '9');
}
