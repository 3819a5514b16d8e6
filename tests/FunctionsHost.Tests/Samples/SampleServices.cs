using System.Collections.Concurrent;

namespace Serverless.Testing.FunctionsHost.Tests.Samples;

/// <summary>A singleton the sample functions get by constructor injection.</summary>
public sealed class Greeter(string greeting)
{
    public string Greet(string name) => $"{greeting}, {name}";
}

/// <summary>Scoped: one per invocation scope, so tests can see which scope a function ran in.</summary>
public sealed class ScopeMarker
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>Counts invocations, so tests can prove that a refused request invoked nothing.</summary>
public sealed class InvocationLog
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public void Add(string entry) => _entries.Enqueue(entry);
}
