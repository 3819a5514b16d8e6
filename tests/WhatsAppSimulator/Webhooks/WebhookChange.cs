using System.Text;

namespace Serverless.Testing.WhatsAppSimulator.Webhooks;

/// <summary>One <c>entry[].changes[]</c> item: the WABA it belongs to, its <c>field</c> and the serialized <c>value</c>.</summary>
public sealed record WebhookChange(string WabaId, string Field, byte[] Value)
{
    /// <summary>The value JSON as text.</summary>
    public string ValueText => Encoding.UTF8.GetString(Value);
}
