namespace Serverless.Fuzz;

/// <summary>One parser under fuzz: its valid seeds, how to mutate them, and one call on an input.</summary>
internal abstract class FuzzTarget
{
    public abstract string Name { get; }

    /// <summary>The code under test, by type name (what docs/fuzzing.md reports).</summary>
    public abstract string Parser { get; }

    public abstract IReadOnlyList<byte[]> Seeds();

    /// <summary>Runs the parser (and what a caller reads from its result); true when the input was accepted.</summary>
    public abstract bool Run(byte[] input);

    /// <summary>A mutant of <paramref name="seed"/>; <paramref name="pool"/> offers splice partners.</summary>
    public virtual byte[] Mutate(Mutator mutator, byte[] seed, IReadOnlyList<byte[]> pool) => mutator.MutateBytes(seed, pool);
}
