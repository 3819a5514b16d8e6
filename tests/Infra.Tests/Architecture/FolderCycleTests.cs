using System.Reflection;
using System.Text;
using Xunit.Abstractions;

namespace Serverless.Infra.Tests.Architecture;

/// <summary>
/// The folders (namespaces) of each product assembly form no dependency cycle: a folder's types may use a lower folder's
/// types, never the other way round, so a feature can be read, changed and tested with only what is below it. The
/// composition roots (<c>Hosting/</c>) are left out: wiring every feature together is their job.
/// </summary>
public sealed class FolderCycleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Serverless.Functions", "Serverless.Functions")]
    [InlineData("Serverless.MediaNode", "Serverless.MediaNode")]
    [InlineData("Serverless.Shared", "Serverless.Shared")]
    [InlineData("Serverless.WebRtc", "Serverless.WebRtc")]
    public void Folders_form_no_dependency_cycle(string assemblyName, string rootNamespace)
    {
        var path = Assembly.Load(assemblyName).Location;
        var graph = FolderGraph.Load(path, rootNamespace);
        Assert.True(graph.Folders.Count > 3, $"{assemblyName}: only {graph.Folders.Count} folders found in {path}");
        Assert.NotEmpty(graph.Edges);
        foreach (var (from, targets) in graph.Edges)
        {
            output.WriteLine($"{from} → {string.Join(", ", targets.Keys)}");
        }

        var cycles = graph.Cycles();
        var report = new StringBuilder();
        foreach (var component in cycles)
        {
            report.AppendLine($"Cycle among {string.Join(", ", component)}:");
            foreach (var from in component)
            {
                foreach (var (to, evidence) in graph.Edges.GetValueOrDefault(from) ?? [])
                {
                    if (component.Contains(to))
                    {
                        report.AppendLine($"  {from} → {to}: {string.Join("; ", evidence.Take(4))}{(evidence.Count > 4 ? $" (+{evidence.Count - 4})" : "")}");
                    }
                }
            }
        }

        output.WriteLine(report.ToString());
        Assert.True(cycles.Count == 0, $"{assemblyName}: {cycles.Count} folder cycle(s)\n{report}");
    }
}
