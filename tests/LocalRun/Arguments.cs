using System.Globalization;
using Serverless.Shared.Transport;

namespace Serverless.Testing.LocalRun;

/// <summary>Command line of the local run.</summary>
internal sealed record Arguments
{
    public string? MediaNodeDll { get; init; }

    public int UdpPort { get; init; } = 3478;

    public int HttpPort { get; init; } = 8080;

    public int FunctionsPort { get; init; } = 7071;

    public int CallbacksPort { get; init; } = 7072;

    public bool Stay { get; init; }

    /// <summary>Enforce function keys (Core Tools does not locally; Azure does).</summary>
    public bool Keys { get; init; }

    /// <summary>Which broker carries the commands: Storage Queues on Azurite, or Service Bus on the test broker.</summary>
    public TransportKind Transport { get; init; } = TransportKind.StorageQueues;

    /// <summary>The Service Bus test broker's port on 127.0.0.1 (with <c>--transport ServiceBus</c>).</summary>
    public int ServiceBusPort { get; init; } = 5672;

    /// <summary>After the demo, measure inbound webhook → pre_accept over this many sequential calls (0: don't).</summary>
    public int MeasureInbound { get; init; }

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            parsed = args[i] switch
            {
                "--media-node-dll" => parsed with { MediaNodeDll = Next() },
                "--udp-port" => parsed with { UdpPort = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--http-port" => parsed with { HttpPort = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--functions-port" => parsed with { FunctionsPort = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--callbacks-port" => parsed with { CallbacksPort = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--transport" => parsed with { Transport = ParseTransport(Next()) },
                "--servicebus-port" => parsed with { ServiceBusPort = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--stay" => parsed with { Stay = true },
                "--keys" => parsed with { Keys = true },
                "--measure-inbound" => parsed with { MeasureInbound = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return parsed;
    }

    private static TransportKind ParseTransport(string value) =>
        Enum.TryParse<TransportKind>(value, ignoreCase: true, out var kind) && kind is TransportKind.StorageQueues or TransportKind.ServiceBus
            ? kind
            : throw new ArgumentException($"--transport must be StorageQueues or ServiceBus, not '{value}'.");
}
