namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>One <c>errors[]</c> item of a failed terminate webhook.</summary>
public sealed record WebhookCallError(int Code, string Title, string Details);
