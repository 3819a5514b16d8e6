using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Serverless.Testing.FunctionsHost.Tests;

public sealed class ConcurrencyAndConfigurationTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    [Fact]
    public async Task Concurrent_requests_each_get_their_own_invocation_and_scope()
    {
        var id = Guid.NewGuid();
        var requests = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await fixture.Client.GetAsync(new Uri($"api/calls/{id}?code={TestHosts.HostKey}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(json.RootElement.GetProperty("sameScopeAsConstructor").GetBoolean());
            return (Invocation: json.RootElement.GetProperty("invocationId").GetString(), Scope: json.RootElement.GetProperty("scopeId").GetGuid());
        });

        var results = await Task.WhenAll(requests);

        Assert.Equal(20, results.Select(r => r.Invocation).Distinct().Count());
        Assert.Equal(20, results.Select(r => r.Scope).Distinct().Count());
    }

    [Fact]
    public async Task Settings_layer_over_environment_variables_and_reach_the_registration()
    {
        IConfiguration? seen = null;
        var plain = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => !k.Contains(':', StringComparison.Ordinal) && !k.Contains("__", StringComparison.Ordinal) && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(k)))
            .Order(StringComparer.Ordinal).Take(2).ToArray();
        var (variable, passedThrough) = (plain[0], plain[1]);
        var options = new FunctionsTestHostOptions(typeof(TestHosts).Assembly)
        {
            Settings = new Dictionary<string, string?> { ["SweepSchedule"] = "0 0 * * * *", [variable] = "overridden", ["Only:InMemory"] = "yes" },
            ConfigureServices = (services, configuration) =>
            {
                seen = configuration;
                services.AddSingleton(new Samples.Greeter(configuration["Only:InMemory"]!));
            },
        };
        var withoutEnvironment = new FunctionsTestHostOptions(typeof(TestHosts).Assembly)
        {
            IncludeEnvironmentVariables = false,
            Settings = new Dictionary<string, string?> { ["SweepSchedule"] = "0 0 * * * *" },
            ConfigureServices = (_, configuration) => seen = configuration,
        };

        await using (var host = await FunctionsTestHost.StartAsync(options))
        {
            Assert.Equal("overridden", seen![variable]);
            Assert.Equal(Environment.GetEnvironmentVariable(passedThrough), seen[passedThrough]);
            Assert.Equal("yes", host.Services.GetRequiredService<IConfiguration>()["Only:InMemory"]);
            Assert.Equal("yes, x", host.Services.GetRequiredService<Samples.Greeter>().Greet("x"));
        }

        await using (await FunctionsTestHost.StartAsync(withoutEnvironment))
        {
            Assert.Null(seen![variable]);
            Assert.Null(seen[passedThrough]);
        }
    }
}
