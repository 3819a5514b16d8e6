using System.Text.Json;
using Serverless.Shared.AudioPlans;

namespace Serverless.Fuzz.Targets;

/// <summary>
/// The audio-plan JSON. The plan reaches the parser as a <see cref="JsonElement"/> (the command's JSON was
/// deserialized first), so input that is not JSON is rejected by System.Text.Json before it, as in production.
/// The parser is referenced by type name only: when it moves (to Serverless.Shared), re-point this one call.
/// </summary>
internal sealed class AudioPlanTarget : FuzzTarget
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public override string Name => "audio-plan";

    public override string Parser => typeof(AudioPlan).FullName + ".TryParse";

    public override IReadOnlyList<byte[]> Seeds() => SeedFiles.Read("plan");

    public override byte[] Mutate(Mutator mutator, byte[] seed, IReadOnlyList<byte[]> pool) => mutator.MutateJson(seed, pool);

    public override bool Run(byte[] input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input, Options);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            return AudioPlan.TryParse(document.RootElement, null, out _, out _);
        }
    }
}
