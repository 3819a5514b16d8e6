namespace Serverless.Testing.WhatsAppSimulator.Calls;

/// <summary>Who placed the call; wire values BUSINESS_INITIATED / USER_INITIATED.</summary>
public enum SimulatedCallDirection
{
    /// <summary>The business called the user (connect action).</summary>
    BusinessInitiated,

    /// <summary>The user called the business (connect webhook with an offer).</summary>
    UserInitiated,
}
