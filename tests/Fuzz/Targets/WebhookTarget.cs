using Serverless.Shared.WhatsApp.Webhooks;

namespace Serverless.Fuzz.Targets;

/// <summary>Meta's webhook body as the Functions parse it after the signature check, and what they read from the batch.</summary>
internal sealed class WebhookTarget : FuzzTarget
{
    public override string Name => "webhook";

    public override string Parser => "Serverless.Shared.WhatsApp.Webhooks.WebhookParser.TryParse (+ event ToString, dedup keys)";

    public override IReadOnlyList<byte[]> Seeds() => SeedFiles.Read("webhook");

    public override byte[] Mutate(Mutator mutator, byte[] seed, IReadOnlyList<byte[]> pool) => mutator.MutateJson(seed, pool);

    public override bool Run(byte[] input)
    {
        if (!WebhookParser.TryParse(input, out var batch, out var error))
        {
            _ = error.ToString();
            return false;
        }

        foreach (var webhookEvent in batch.Events)
        {
            _ = webhookEvent.ToString();
        }

        _ = batch.Skipped.Count + batch.Ignored.Count;
        return true;
    }
}
