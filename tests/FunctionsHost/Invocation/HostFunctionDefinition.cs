using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Serverless.Testing.FunctionsHost.Discovery;

namespace Serverless.Testing.FunctionsHost.Invocation;

/// <summary>The worker's view of a function (name, id, entry point, parameters); bindings are not modelled.</summary>
internal sealed class HostFunctionDefinition : FunctionDefinition
{
    public HostFunctionDefinition(FunctionDescriptor descriptor)
    {
        Name = descriptor.Name;
        EntryPoint = descriptor.EntryPoint;
        PathToAssembly = descriptor.Method.DeclaringType!.Assembly.Location;
        Parameters = descriptor.Parameters.Select(p => new FunctionParameter(p.Name, p.Type)).ToImmutableArray();

        // Stable per function, like the host's function id (derived from the entry point, not random).
        Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(EntryPoint)), 0, 16);
    }

    public override ImmutableArray<FunctionParameter> Parameters { get; }

    public override string PathToAssembly { get; }

    public override string EntryPoint { get; }

    public override string Id { get; }

    public override string Name { get; }

    public override IImmutableDictionary<string, BindingMetadata> InputBindings =>
        throw new NotSupportedException("The Functions test host does not model binding metadata (InputBindings).");

    public override IImmutableDictionary<string, BindingMetadata> OutputBindings =>
        throw new NotSupportedException("The Functions test host does not model binding metadata (OutputBindings).");
}
