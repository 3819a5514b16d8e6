using System.Diagnostics.CodeAnalysis;
using PhoneNumbers;

namespace Serverless.Shared.WhatsApp;

/// <summary>
/// A WhatsApp user's number: E.164 without the <c>+</c> (Meta's <c>wa_id</c>, e.g. <c>16315553602</c>), parsed once where
/// it enters (an API body or route, a webhook, a Graph argument) and carried typed from there. One rule for the form
/// (an optional <c>+</c>, then 6 to 15 digits, no leading 0), one for a number a business may dial
/// (<see cref="TryParseE164"/>: the <c>+</c> form, valid in the numbering plan), and one mask (<see cref="Masked"/>).
/// </summary>
/// <remarks>
/// <see cref="ToString"/> is the masked form, so a <c>WaId</c> interpolated into a log line or an exception message
/// never leaks the number; storage keys and API bodies use <see cref="Digits"/> by name.
/// </remarks>
public readonly record struct WaId
{
    private const int MinDigits = 6;
    private const int MaxDigits = 15; // ITU-T E.164's maximum, country code included.
    private static readonly PhoneNumberUtil Numbering = PhoneNumberUtil.GetInstance();

    private readonly string? _digits;

    private WaId(string digits) => _digits = digits;

    /// <summary>The wa_id form: digits with the country code, no <c>+</c>. The form stored and sent to Graph.</summary>
    public string Digits => _digits ?? throw new InvalidOperationException("An uninitialised WaId has no digits.");

    /// <summary>The <c>+</c> form (<c>+16315553602</c>), for people and for APIs that ask for E.164 text.</summary>
    public string E164 => "+" + Digits;

    /// <summary>The one log form: see <see cref="PhoneMask.Mask"/> (e.g. <c>16******602</c>).</summary>
    public string Masked => PhoneMask.Mask(_digits);

    /// <summary>The message every refusal of the form carries.</summary>
    public const string FormRule = "A WhatsApp number is 6 to 15 digits with the country code (no leading 0), optionally after a '+'.";

    /// <summary>Meta's <c>wa_id</c> or the <c>+</c> E.164 form of it; anything else (spaces, letters, too short or long) is refused.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out WaId waId)
    {
        waId = default;
        if (text is null)
        {
            return false;
        }

        var digits = text.StartsWith('+') ? text.AsSpan(1) : text.AsSpan();
        if (digits.Length is < MinDigits or > MaxDigits || digits.ContainsAnyExceptInRange('0', '9') || digits[0] == '0')
        {
            return false;
        }

        waId = new WaId(digits.ToString());
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="ArgumentException"/> named after <paramref name="paramName"/>.</summary>
    public static WaId Parse(string? text, string paramName) =>
        TryParse(text, out var waId) ? waId : throw new ArgumentException(FormRule, paramName);

    /// <summary>
    /// A number a business is asked to dial: <c>+</c> followed by digits (the form the API documents) that make a valid
    /// number in its country's numbering plan (libphonenumber), so a typo is refused before Meta is called.
    /// </summary>
    public static bool TryParseE164([NotNullWhen(true)] string? text, out WaId waId)
    {
        waId = default;
        if (text is null || !text.StartsWith('+') || !TryParse(text, out _))
        {
            return false;
        }

        try
        {
            var number = Numbering.Parse(text, null);
            if (!Numbering.IsValidNumber(number))
            {
                return false;
            }

            // libphonenumber's own E.164 rendering, so one number has one spelling whatever the input's form.
            waId = new WaId(Numbering.Format(number, PhoneNumberFormat.E164)[1..]);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>The masked form (never the number itself): see the remarks on <see cref="WaId"/>.</summary>
    public override string ToString() => Masked;
}
