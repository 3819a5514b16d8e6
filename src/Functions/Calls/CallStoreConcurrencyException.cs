namespace Serverless.Functions.Calls;

/// <summary>ApplyAsync lost the ETag race more often than <see cref="CallStoreOptions.MaxConcurrencyRetries"/> allows.</summary>
public sealed class CallStoreConcurrencyException : Exception
{
    public CallStoreConcurrencyException()
    {
    }

    public CallStoreConcurrencyException(string message)
        : base(message)
    {
    }

    public CallStoreConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
