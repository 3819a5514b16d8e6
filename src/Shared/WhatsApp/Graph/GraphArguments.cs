namespace Serverless.Shared.WhatsApp.Graph;

/// <summary>Checks what goes into a Graph URL or body before any request is made.</summary>
internal static class GraphArguments
{
    /// <summary>Meta's limit on <c>biz_opaque_callback_data</c>.</summary>
    public const int MaxOpaqueDataLength = 512;

    /// <summary>Meta's limit on an interactive message body.</summary>
    public const int MaxBodyTextLength = 1024;

    /// <summary>The phone-number id becomes a path segment: digits only, so it cannot reach another edge.</summary>
    public static string PhoneNumberId(string phoneNumberId)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        if (phoneNumberId.Length > 32 || !phoneNumberId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A phone-number id is a Graph object id made of digits.", nameof(phoneNumberId));
        }

        return phoneNumberId;
    }

    /// <summary>A user's WhatsApp number: E.164 digits without <c>+</c> (a leading <c>+</c> is dropped).</summary>
    public static string WaId(string waId, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(waId, paramName);
        var digits = waId.StartsWith('+') ? waId[1..] : waId;
        if (digits.Length is < 6 or > 15 || !digits.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A WhatsApp id is 6 to 15 digits with the country code and no '+'.", paramName);
        }

        return digits;
    }

    /// <summary>A <c>wacid.…</c> call id: non-empty, printable, no whitespace.</summary>
    public static string CallId(string callId)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        if (callId.Length > 512 || callId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException("A call id is a printable token without whitespace.", nameof(callId));
        }

        return callId;
    }

    public static string? OpaqueData(string? data)
    {
        if (data is not null && data.Length > MaxOpaqueDataLength)
        {
            throw new ArgumentException($"biz_opaque_callback_data is limited to {MaxOpaqueDataLength} characters.", nameof(data));
        }

        return data;
    }

    /// <summary>Keeps the last four digits, enough to tell users apart in logs without exposing the number.</summary>
    public static string Mask(string digits) =>
        digits.Length <= 4 ? new string('*', digits.Length) : new string('*', digits.Length - 4) + digits[^4..];
}
