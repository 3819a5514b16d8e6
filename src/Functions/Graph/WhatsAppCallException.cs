namespace Serverless.Functions.Graph;

/// <summary>A Graph call action failed. <see cref="Code"/> is Meta's error code, null when Meta never answered.</summary>
public sealed class WhatsAppCallException : Exception
{
    public WhatsAppCallException()
    {
    }

    public WhatsAppCallException(string message)
        : base(message)
    {
    }

    public WhatsAppCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WhatsAppCallException(int? code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public int? Code { get; }
}
