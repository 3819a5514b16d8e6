namespace Serverless.Shared.WhatsApp.Webhooks;

/// <summary>Turns <c>errors[]</c> entries that belong to no terminated call into <see cref="WebhookError"/> events.</summary>
internal static class ErrorEvents
{
    public static void Add(List<(WebhookErrorDetail Detail, string Hash)> errors, ChangeContext context, BatchBuilder batch)
    {
        foreach (var (detail, hash) in errors)
        {
            batch.Add(new WebhookError
            {
                WabaId = context.WabaId,
                PhoneNumberId = context.PhoneNumberId,
                DisplayPhoneNumber = context.DisplayPhoneNumber,
                Error = detail,
                ContentHash = hash,
            });
        }
    }
}
