namespace Serverless.Functions.Calls;

/// <summary>Who placed the call: the business (dial API, Meta "BUSINESS_INITIATED") or the WhatsApp user.</summary>
public enum CallDirection
{
    Outbound,
    Inbound,
}
