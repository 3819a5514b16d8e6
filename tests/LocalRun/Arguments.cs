using System.Globalization;

namespace Serverless.Testing.LocalRun;

/// <summary>Command line of the local run.</summary>
internal sealed record Arguments
{
    public string? MediaNodeDll { get; init; }

    public int UdpPort { get; init; } = 3478;

    public int HttpPort { get; init; } = 8080;

    public int FunctionsPort { get; init; } = 7071;

    public bool Stay { get; init; }

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
                "--stay" => parsed with { Stay = true },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return parsed;
    }
}
