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
}
