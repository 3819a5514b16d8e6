namespace Serverless.Functions.Calls;

/// <summary>Masks phone numbers / WhatsApp ids for logs and ToString: only the last 4 digits stay readable.</summary>
public static class PhoneMask
{
    private const int Visible = 4;

    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return string.Empty;
        }

        if (phone.Length <= Visible)
        {
            return new string('*', phone.Length);
        }

        return string.Concat(new string('*', phone.Length - Visible), phone.AsSpan(phone.Length - Visible));
    }
}
